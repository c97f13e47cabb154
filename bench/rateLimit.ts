/**
 * Section 5: creates through one host while the emulator allows R requests per second (a token bucket of
 * R tokens) and answers 429 with `Retry-After` beyond that. The bucket is drained before the clock starts,
 * so the figure is the sustained rate, not the initial burst.
 */
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { runPool, startBenchEnv, timed, type BenchEnv } from "./harness";
import { ms, type SectionResult } from "./report";

/** Raw figures of the section. */
export interface RateLimitData {
  requestsPerSecond: number;
  burst: number;
  concurrency: number;
  operations: number;
  completed: number;
  failures: number;
  failureSamples: string[];
  wallMs: number;
  /** Completed operations per second of wall time. */
  opsPerSecond: number;
  /** opsPerSecond ÷ requestsPerSecond. */
  ratio: number;
  /** API requests made, and how many of them the limit refused. */
  requests: number;
  refused: number;
}

/** Parameters of {@link measureRateLimit}. */
export interface RateLimitOptions {
  /** Allowed requests per second. */
  requestsPerSecond: number;
  /** Creates to run. */
  operations: number;
  /** @default 16 */
  concurrency?: number;
  /** Minimum share of `requestsPerSecond` to reach. @default 0.85 */
  budgetRatio?: number;
}

/** Runs `operations` creates against the rate-limited emulator and measures completed operations per second. */
export async function measureRateLimit(
  registered: RegisteredToken,
  options: RateLimitOptions,
): Promise<SectionResult<RateLimitData>> {
  const { requestsPerSecond: rate, operations, concurrency = 16, budgetRatio = 0.85 } = options;
  const burst = Math.max(1, Math.ceil(rate));
  const env = await startBenchEnv(registered, { faults: { rateLimit: { requestsPerSecond: rate, burst } } });
  let data: RateLimitData;
  try {
    await drainBucket(env, burst);
    env.emulator.clearRequests();
    const { value: outcome, ms: wallMs } = await timed(() =>
      runPool(operations, concurrency, () => env.createToken()),
    );
    const log = env.emulator.requests();
    const completed = operations - outcome.failures.length;
    const opsPerSecond = completed / (wallMs / 1000);
    data = {
      requestsPerSecond: rate,
      burst,
      concurrency,
      operations,
      completed,
      failures: outcome.failures.length,
      failureSamples: outcome.failures.slice(0, 3).map((f) => f.message),
      wallMs,
      opsPerSecond,
      ratio: opsPerSecond / rate,
      requests: log.length,
      refused: log.filter((r) => r.fault === "rateLimit").length,
    };
  } finally {
    await env.close();
  }
  const pass = data.ratio >= budgetRatio && data.failures === 0;
  const section = `rate limit R=${rate}/s`;
  return {
    rows: [
      {
        section,
        metric: `${operations} creates, ${concurrency} in flight`,
        measured: `${data.opsPerSecond.toFixed(1)} ops/s in ${ms(data.wallMs)}`,
        reference: `R = ${rate}/s, ≥ ${budgetRatio}×`,
        ratio: data.ratio,
        pass: data.ratio >= budgetRatio,
      },
      {
        section,
        metric: "failures",
        measured: `${data.failures}`,
        reference: "0",
        pass: data.failures === 0,
      },
      {
        section,
        metric: "requests (refused with 429)",
        measured: `${data.requests} (${data.refused})`,
        reference: `${operations} accepted minimum`,
      },
    ],
    budgets: [
      {
        name: "rate-limited throughput",
        measured: `${data.opsPerSecond.toFixed(1)} ops/s = ${data.ratio.toFixed(2)}× R, ${data.failures} failures`,
        limit: `≥ ${budgetRatio}× R (${rate}/s) with 0 failures`,
        pass,
        ...(data.failures ? { note: data.failureSamples.join("; ") } : {}),
      },
    ],
    data,
  };
}

/** Spends the bucket's initial tokens with direct API calls, so measurement starts from the sustained rate. */
async function drainBucket(env: BenchEnv, burst: number): Promise<void> {
  for (let i = 0; i < burst * 4; i++) {
    const response = await fetch(`${env.emulator.url}/registries`, {
      headers: { Authorization: `Bearer ${env.apiToken}` },
    });
    await response.arrayBuffer();
    if (response.status === 429) return;
  }
  throw new Error("the emulator's rate limit never refused a request");
}
