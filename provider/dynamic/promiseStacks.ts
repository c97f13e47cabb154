/**
 * Stack traces the Node SDK takes for its leak report, and what they cost a `RegistryToken`.
 *
 * For every property a resource registers, `@pulumi/pulumi` wraps four promises in `debuggablePromise`, which
 * formats `new Error().stack` for each one at once — in a TypeScript program through ts-node's source-map
 * support, the dearest part. Those stacks are printed only in the promise-leak report, and only when
 * `PULUMI_DEBUG_PROMISE_LEAKS` is set. A `RegistryToken` registers 14 properties (its 13 outputs, seeded so
 * that they exist, and the name prefix), so formatting 56 stack traces was most of what a token cost a
 * program's preview over a minimal dynamic resource (profiled: `npm run bench -- --profile-big-stack`).
 *
 * The SDK's own source position of a resource (`Resource.callsites`, stored in the state) raises the limit
 * itself while it reads the stack, so it is unaffected.
 */

/** The variable that makes the SDK's leak report print each pending promise's stack. */
export const PROMISE_LEAK_DEBUG_VARIABLE = "PULUMI_DEBUG_PROMISE_LEAKS";

/**
 * Turns V8's stack capture off until {@link restorePromiseStacks} — unless `PULUMI_DEBUG_PROMISE_LEAKS` asks
 * for the stacks — and returns the limit to restore. Call it just before a synchronous registration (a
 * constructor's `super` call), and restore in a `finally` right after: nothing else runs in between.
 */
export function quietPromiseStacks(): number {
  const limit = Error.stackTraceLimit;
  if (!process.env[PROMISE_LEAK_DEBUG_VARIABLE]) Error.stackTraceLimit = 0;
  return limit;
}

/**
 * Restores the limit {@link quietPromiseStacks} returned. An error thrown during the registration was made
 * without a stack; it gets one taken here, at the resource's declaration, which is where the user looks.
 */
export function restorePromiseStacks(limit: number, thrown?: unknown): void {
  const quieted = Error.stackTraceLimit !== limit;
  Error.stackTraceLimit = limit;
  if (quieted && thrown instanceof Error) Error.captureStackTrace(thrown, restorePromiseStacks);
}
