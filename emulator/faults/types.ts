/**
 * The fault plan: data that says which requests get extra latency, a rate limit, an injected status, a
 * dropped connection, or a write that is applied and then reported as failed. Plans are plain JSON, so
 * the CLI (`--faults`) and the admin endpoint (`PUT /_emulator/faults`) accept the same shape as
 * `startEmulator({ faults })` and `setFaults()`.
 */

/**
 * Which requests a fault applies to. Every given criterion must hold; an empty or absent match applies
 * to every API request.
 */
export interface FaultMatch {
  /** HTTP methods, case-insensitive, e.g. `["POST", "PUT"]`. */
  methods?: string[];
  /** One or more operationIds, e.g. `"registriesTokensPost"` (see `OPERATIONS`). */
  operation?: string | string[];
  /** The request path (without query): exact, or a prefix when it ends with `*`, e.g. `/containerregistries/registries/*`. */
  path?: string;
}

/** Latency added before a matching request is handled: `fixedMs` plus a uniform `[0, jitterMs)` extra. */
export interface LatencyFault {
  /** @default 0 */
  fixedMs?: number;
  /** @default 0 */
  jitterMs?: number;
  /** @default every request */
  match?: FaultMatch;
}

/**
 * A token-bucket rate limit: `requestsPerSecond` refill, `burst` capacity. A request over the limit gets
 * 429 with `Retry-After` (integer seconds) and is not handled. Uses real time, not the injected clock.
 */
export interface RateLimitFault {
  /** Sustained rate; must be positive. */
  requestsPerSecond: number;
  /** Bucket size. @default Math.max(1, Math.ceil(requestsPerSecond)) */
  burst?: number;
  /** `Retry-After` value. @default seconds until the next request would pass, at least 1 */
  retryAfterSeconds?: number;
  /** @default every request */
  match?: FaultMatch;
}

/**
 * Answer with `status` (400–599) and an `ApiErrorResponse` body instead of handling the request.
 * `retryAfter`: seconds for a `Retry-After` header; for 429 it defaults to 1, and `null` omits the header
 * (to test clients that cope without it). Other statuses send it only when it is a number.
 */
export interface StatusFaultAction {
  type: "status";
  status: number;
  retryAfter?: number | null;
}

/** Reset the connection (TCP RST where supported) before handling the request: nothing is changed. */
export interface ResetFaultAction {
  type: "reset";
}

/** Handle the request (a write is applied), then answer `status` (default 500) instead of the result. */
export interface CommitThenStatusFaultAction {
  type: "commitThenStatus";
  /** @default 500 */
  status?: number;
}

/** Handle the request (a write is applied), then reset the connection instead of answering. */
export interface CommitThenResetFaultAction {
  type: "commitThenReset";
}

/** Wait `ms` milliseconds, then go on (later rules still apply). */
export interface DelayFaultAction {
  type: "delay";
  ms: number;
}

/** What a firing {@link FaultRule} does. */
export type FaultAction =
  | StatusFaultAction
  | ResetFaultAction
  | CommitThenStatusFaultAction
  | CommitThenResetFaultAction
  | DelayFaultAction;

/**
 * One rule. Rules are tried in order for each request; a firing `delay` adds its wait and the search goes
 * on, any other firing action ends it. A rule fires on a matching request when it is past the first
 * `skip` matches, has fired fewer than `times` times, and a seeded random draw is below `rate`.
 */
export interface FaultRule {
  /** @default every request */
  match?: FaultMatch;
  action: FaultAction;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
  /** Fire at most this many times ("the next N requests"). @default unlimited */
  times?: number;
  /** Probability in [0, 1] of firing on each eligible request (deterministic per seed). @default 1 */
  rate?: number;
}

/** The whole fault plan. An empty object (the default) injects nothing. */
export interface FaultOptions {
  latency?: LatencyFault;
  rateLimit?: RateLimitFault;
  rules?: FaultRule[];
  /** Seed of the random draws for jitter and `rate`; the same seed gives the same sequence. @default 1 */
  seed?: number;
}
