/**
 * Turns {@link FaultOptions} into a decision per request. Deciding is kept apart from acting (see
 * `http/pipeline.ts`), so the rules can be followed without any networking. All state (rule counters,
 * random sequence, rate bucket) starts afresh whenever a new plan is set.
 */
import { parseFaultOptions } from "./parse";
import { seededRandom } from "./random";
import { TokenBucket } from "./rateLimiter";
import type { FaultAction, FaultMatch, FaultOptions, FaultRule } from "./types";

/** What a request looks like to the fault plan. */
export interface FaultRequest {
  method: string;
  /** URL path without the query. */
  path: string;
  /** operationId, e.g. `registriesTokensPost`. */
  operation: string;
}

/** How to treat one request: wait `delayMs`, then carry out `outcome`. */
export interface FaultDecision {
  delayMs: number;
  outcome:
    | { kind: "none" }
    | { kind: "status"; status: number; retryAfter?: number; fault: string }
    | { kind: "reset" }
    | { kind: "commitThenStatus"; status: number }
    | { kind: "commitThenReset" };
}

interface RuleState {
  rule: FaultRule;
  matched: number;
  fired: number;
}

/** A running fault plan; {@link FaultPlan.decide} is called once per API request. */
export class FaultPlan {
  private readonly options: FaultOptions;
  private readonly rules: RuleState[];
  private readonly ruleRandom: () => number;
  private readonly jitterRandom: () => number;
  private readonly bucket: TokenBucket | undefined;

  /**
   * @param options - the plan; checked by `parseFaultOptions`
   * @throws ApiProblem (400) when the plan is invalid
   */
  constructor(options: FaultOptions = {}) {
    this.options = parseFaultOptions(options);
    const seed = this.options.seed ?? 1;
    // Separate streams, so adding jitter does not change which requests a `rate` rule hits.
    this.ruleRandom = seededRandom(seed);
    this.jitterRandom = seededRandom(seed ^ 0x9e3779b9);
    this.rules = (this.options.rules ?? []).map((rule) => ({ rule, matched: 0, fired: 0 }));
    const limit = this.options.rateLimit;
    this.bucket =
      limit === undefined
        ? undefined
        : new TokenBucket(
            limit.requestsPerSecond,
            limit.burst ?? Math.max(1, Math.ceil(limit.requestsPerSecond)),
          );
  }

  /** A copy of the plan as given (after checking). */
  describe(): FaultOptions {
    return structuredClone(this.options);
  }

  /** Decides the fate of one request and advances the plan's counters. */
  decide(request: FaultRequest): FaultDecision {
    let delayMs = 0;
    const latency = this.options.latency;
    if (latency !== undefined && matches(latency.match, request)) {
      delayMs += (latency.fixedMs ?? 0) + Math.floor(this.jitterRandom() * (latency.jitterMs ?? 0));
    }
    const limit = this.options.rateLimit;
    if (this.bucket !== undefined && limit !== undefined && matches(limit.match, request)) {
      const taken = this.bucket.take();
      if (!taken.allowed) {
        const retryAfter = limit.retryAfterSeconds ?? taken.retryAfterSeconds;
        return { delayMs, outcome: { kind: "status", status: 429, retryAfter, fault: "rateLimit" } };
      }
    }
    for (const state of this.rules) {
      if (!this.fires(state, request)) continue;
      const action = state.rule.action;
      if (action.type === "delay") {
        delayMs += action.ms;
        continue;
      }
      return { delayMs, outcome: outcomeOf(action) };
    }
    return { delayMs, outcome: { kind: "none" } };
  }

  private fires(state: RuleState, request: FaultRequest): boolean {
    const { rule } = state;
    if (!matches(rule.match, request)) return false;
    state.matched++;
    if (state.matched <= (rule.skip ?? 0)) return false;
    if (rule.times !== undefined && state.fired >= rule.times) return false;
    if (rule.rate !== undefined && this.ruleRandom() >= rule.rate) return false;
    state.fired++;
    return true;
  }
}

function outcomeOf(action: Exclude<FaultAction, { type: "delay" }>): FaultDecision["outcome"] {
  switch (action.type) {
    case "status": {
      // 429 without Retry-After breaks the Python SDK, so it is sent unless explicitly turned off (null).
      const retryAfter =
        action.retryAfter === undefined ? (action.status === 429 ? 1 : undefined) : action.retryAfter;
      return {
        kind: "status",
        status: action.status,
        fault: "status",
        ...(retryAfter == null ? {} : { retryAfter }),
      };
    }
    case "reset":
      return { kind: "reset" };
    case "commitThenStatus":
      return { kind: "commitThenStatus", status: action.status ?? 500 };
    case "commitThenReset":
      return { kind: "commitThenReset" };
  }
}

/** True when `request` satisfies every criterion of `match` (an absent match matches everything). */
export function matches(match: FaultMatch | undefined, request: FaultRequest): boolean {
  if (match === undefined) return true;
  if (match.methods !== undefined && !match.methods.some((m) => m.toUpperCase() === request.method))
    return false;
  if (match.operation !== undefined) {
    const ops = Array.isArray(match.operation) ? match.operation : [match.operation];
    if (!ops.includes(request.operation)) return false;
  }
  if (match.path !== undefined) {
    const p = match.path;
    if (p.endsWith("*") ? !request.path.startsWith(p.slice(0, -1)) : request.path !== p) return false;
  }
  return true;
}
