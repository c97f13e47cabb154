/**
 * The retry policy of the API client: which failures are worth another attempt, and how long to wait.
 * Deciding lives here; the waiting loop lives in `http.ts`.
 */

/** Limits of the retry loop. */
export interface RetryPolicy {
  /** Total attempts, the first included. @default 6 */
  maxAttempts: number;
  /** Base of the exponential backoff. @default 200 */
  baseDelayMs: number;
  /** Cap of a single backoff wait (a `Retry-After` may ask for more, up to the budget). @default 10000 */
  maxDelayMs: number;
  /** Budget for all waits together; no retry is started that would overrun it. @default 60000 */
  maxElapsedMs: number;
}

/** The defaults documented on {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxElapsedMs: 60_000,
};

/** How an attempt ended, as far as the retry decision is concerned. */
export type AttemptOutcome =
  | { kind: "response"; status: number }
  /**
   * `sent` is false only when the request provably never reached the server (connection refused, DNS, a
   * rejected TLS certificate). `permanent` marks failures no retry can cure (a rejected certificate).
   */
  | { kind: "network"; sent: boolean; permanent?: boolean };

const RETRYABLE_STATUSES = [429, 502, 503, 504];

/**
 * Whether an attempt that ended with `outcome` may be retried. GET, PUT, PATCH and DELETE are idempotent and
 * retried on network errors, 429, 502, 503 and 504. POST — and any call marked not `idempotent`, such as a PUT
 * that may create — is retried only when the server certainly did not act: on 429 and on failures before the
 * request was sent; a repeat could otherwise create a second token, or replace the first and lose its password.
 */
export function isRetryable(
  method: string,
  outcome: AttemptOutcome,
  idempotent = method !== "POST",
): boolean {
  if (outcome.kind === "network") return !outcome.permanent && (idempotent || !outcome.sent);
  if (outcome.status === 429) return true;
  return idempotent && RETRYABLE_STATUSES.includes(outcome.status);
}

/**
 * Parses a `Retry-After` header: delta seconds or an HTTP date. Returns milliseconds to wait, or undefined when
 * the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[a-z]/i.test(value)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with full jitter: a uniform wait in [0, min(maxDelay, base × 2^retry)). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retry number `retry` (0-based), or undefined when the budget does not allow another attempt.
 * A server's `Retry-After` is honoured as given (it knows its own limits), the jittered backoff otherwise.
 */
export function nextDelay(
  retry: number,
  elapsedMs: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number,
): number | undefined {
  if (retry + 1 >= policy.maxAttempts) return undefined;
  const wait = retryAfterMs ?? backoffDelay(retry, policy, random);
  return elapsedMs + wait > policy.maxElapsedMs ? undefined : wait;
}
