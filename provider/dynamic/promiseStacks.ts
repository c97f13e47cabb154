/**
 * Stack traces the Node SDK formats for its leak report, and what they cost a `RegistryToken`.
 *
 * For every property a resource registers, `@pulumi/pulumi` wraps four promises in `debuggablePromise`, which
 * reads `new Error().stack` for each one at once. Capturing a stack is cheap; formatting it is not in a
 * TypeScript program, where ts-node's source-map support maps every frame. Those stacks are printed only in the
 * promise-leak report, and only when `PULUMI_DEBUG_PROMISE_LEAKS` is set. A `RegistryToken` registers 15
 * properties (its 13 outputs, seeded so that they exist, the name prefix and `__provider`): formatting about 66
 * stacks (four per property, and the registration's own) was most of what a token cost a program's preview over a
 * minimal dynamic resource, which registers 4 (profiled:
 * `npm run bench -- --profile-big-stack`).
 *
 * So while a token registers, the stack formatter in place (ts-node's) is wrapped: a stack whose top frame is
 * `debuggablePromise` is left unformatted; every other one — the SDK's record of where the program declared the
 * resource, the errors it prepares for a failed registration, anything a transformation does — is formatted as
 * before, by the same formatter. Stacks are captured as usual (`Error.stackTraceLimit` is not touched).
 */

/** The variable that makes the SDK's leak report print each pending promise's stack. */
export const PROMISE_LEAK_DEBUG_VARIABLE = "PULUMI_DEBUG_PROMISE_LEAKS";

/** The SDK function whose stacks are skipped: it takes one per promise it tracks, for the leak report. */
const LEAK_REPORT_FUNCTION = "debuggablePromise";

type StackFormatter = NonNullable<typeof Error.prepareStackTrace>;

/**
 * Leaves the leak report's stacks unformatted until the returned function is called: call this just before a
 * synchronous registration (a constructor's `super` call, which cannot be passed as a callback) and the returned
 * function in a `finally` right after. Does nothing when `PULUMI_DEBUG_PROMISE_LEAKS` asks for those stacks, or
 * when no formatter is installed (Node installs its own; the check is for runtimes that do not).
 * @returns what puts the formatter back
 */
export function skipLeakReportStacks(): () => void {
  const installed = Error.prepareStackTrace;
  if (process.env[PROMISE_LEAK_DEBUG_VARIABLE] || typeof installed !== "function") return () => undefined;
  const formatter: StackFormatter = (error, frames) =>
    frames[0]?.getFunctionName() === LEAK_REPORT_FUNCTION ? String(error) : installed(error, frames);
  Error.prepareStackTrace = formatter;
  return () => {
    // Only ours is taken back: a formatter installed meanwhile (by a transformation, say) stays.
    if (Error.prepareStackTrace === formatter) Error.prepareStackTrace = installed;
  };
}
