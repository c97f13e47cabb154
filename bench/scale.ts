/**
 * Section 4: N tokens created, refreshed, updated and deleted through one host, with the emulator adding a
 * fixed latency to every request and at most `concurrency` operations in flight (the engine's default
 * parallelism is 16). Each phase's wall time is compared with the ideal N × latency / concurrency.
 */
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { serializedBaselineProvider } from "./baseline";
import {
  mean,
  memoryOf,
  percentile,
  runPool,
  startBenchEnv,
  timed,
  type BenchEnv,
  type LiveToken,
  type Props,
} from "./harness";
import { int, ms, type Budget, type Row, type SectionResult } from "./report";

/**
 * The lifecycle phases, in order. `baseline refresh` refreshes the same tokens through the same host with a
 * minimal provider (see `baseline.ts`): the part of a refresh that is host and harness, not this provider.
 */
export type PhaseName = "create" | "refresh" | "baseline refresh" | "update" | "delete";

const PHASES: readonly PhaseName[] = ["create", "refresh", "baseline refresh", "update", "delete"];

/** One phase over all N tokens. */
export interface ScalePhase {
  phase: PhaseName;
  wallMs: number;
  idealMs: number;
  /** wallMs ÷ idealMs. */
  ratio: number;
  /** API requests the phase made (the minimum is N). */
  requests: number;
  /** Mean and 95th percentile of one operation's gRPC calls, as the engine would wait for them. */
  operationMs: { mean: number; p95: number };
  /** Mean time the emulator took per request (its 20 ms latency included): the rest is host and harness. */
  apiMeanMs: number;
  failures: number;
  /** The first few failure messages. */
  failureSamples: string[];
}

/** Raw figures of one scale run. */
export interface ScaleData {
  n: number;
  latencyMs: number;
  concurrency: number;
  phases: ScalePhase[];
  /** Peak resident set size of the host process (VmHWM) at the end, KiB. */
  hostPeakRssKiB?: number;
  /** Resident set size of the host process at the end, KiB. */
  hostRssKiB?: number;
}

/** Parameters of {@link measureScale}. */
export interface ScaleOptions {
  n: number;
  /** @default 20 */
  latencyMs?: number;
  /** @default 16 */
  concurrency?: number;
  /** When set, the refresh phase must finish within this multiple of the ideal. */
  refreshBudgetRatio?: number;
}

/** Runs the four phases over `n` tokens through one freshly started host. */
export async function measureScale(
  registered: RegisteredToken,
  options: ScaleOptions,
): Promise<SectionResult<ScaleData>> {
  const { n, latencyMs = 20, concurrency = 16 } = options;
  const baseline = await serializedBaselineProvider();
  const env = await startBenchEnv(registered, { faults: { latency: { fixedMs: latencyMs } } });
  let data: ScaleData;
  try {
    const idealMs = (n * latencyMs) / concurrency;
    const live: Array<LiveToken | undefined> = new Array<LiveToken | undefined>(n).fill(undefined);
    const phases: ScalePhase[] = [];
    for (const phase of PHASES) {
      env.emulator.clearRequests();
      const durations: number[] = [];
      const { value: outcome, ms: wallMs } = await timed(() =>
        runPool(n, concurrency, async (i) => {
          const { value: token, ms: operationMs } = await timed(() => step(env, phase, live[i], baseline));
          live[i] = token;
          durations.push(operationMs);
        }),
      );
      const log = env.emulator.requests();
      phases.push({
        phase,
        wallMs,
        idealMs,
        ratio: wallMs / idealMs,
        requests: log.length,
        operationMs: { mean: mean(durations), p95: percentile(durations, 0.95) },
        apiMeanMs: mean(log.map((r) => r.durationMs)),
        failures: outcome.failures.length,
        failureSamples: outcome.failures.slice(0, 3).map((f) => f.message),
      });
    }
    const memory = memoryOf(env.host.pid);
    data = {
      n,
      latencyMs,
      concurrency,
      phases,
      hostPeakRssKiB: memory?.peakKiB,
      hostRssKiB: memory?.rssKiB,
    };
  } finally {
    await env.close();
  }
  return {
    rows: rowsOf(data, options.refreshBudgetRatio),
    budgets: budgetsOf(data, options.refreshBudgetRatio),
    data,
  };
}

/**
 * One operation of `phase` on one token, as the engine sequences the gRPC calls for it. Returns the token
 * as the engine would now store it (undefined once deleted).
 */
async function step(
  env: BenchEnv,
  phase: PhaseName,
  token: LiveToken | undefined,
  baseline: string,
): Promise<LiveToken | undefined> {
  const { host } = env;
  if (phase === "create") return env.createToken();
  if (!token) throw new Error("the token was not created");
  switch (phase) {
    case "refresh": {
      const read = await host.read(token.id, token.outs, token.inputs);
      if (read.id !== token.id) throw new Error(`refresh of ${token.id} lost the token`);
      return { ...token, outs: read.properties };
    }
    case "baseline refresh": {
      const swap = (props: Props): Props => ({ ...props, __provider: baseline });
      const read = await host.read(token.id, swap(token.outs), swap(token.inputs));
      if (read.id !== token.id) throw new Error(`baseline refresh of ${token.id} lost the token`);
      return token;
    }
    case "update": {
      const checked = await host.check(token.inputs, env.program({ status: "disabled" }));
      await host.diff(token.id, token.outs, checked.inputs);
      const outs = await host.update(token.id, token.outs, checked.inputs);
      return { ...token, inputs: checked.inputs, outs };
    }
    case "delete":
      await host.delete(token.id, token.outs);
      return undefined;
  }
}

function rowsOf(data: ScaleData, refreshBudget: number | undefined): Row[] {
  const section = `scale N=${data.n}`;
  const rows: Row[] = data.phases.map((p) => ({
    section,
    metric: p.phase === "baseline refresh" ? "refresh, minimal provider (reference)" : `${p.phase} wall time`,
    measured: `${ms(p.wallMs)} (${int(p.requests)} req${p.failures ? `, ${p.failures} failed` : ""})`,
    reference:
      `ideal ${ms(p.idealMs)}${p.phase === "refresh" && refreshBudget ? `, ≤ ${refreshBudget}×` : ""}; ` +
      `op ${p.operationMs.mean.toFixed(1)} ms mean, API ${p.apiMeanMs.toFixed(1)} ms`,
    ratio: p.ratio,
    ...(p.phase === "refresh" && refreshBudget ? { pass: p.ratio <= refreshBudget } : {}),
  }));
  rows.push({
    section,
    metric: "host peak RSS (VmHWM, all phases)",
    measured: data.hostPeakRssKiB === undefined ? "n/a" : `${(data.hostPeakRssKiB / 1024).toFixed(1)} MiB`,
    reference:
      data.hostRssKiB === undefined ? undefined : `RSS at end ${(data.hostRssKiB / 1024).toFixed(1)} MiB`,
  });
  return rows;
}

function budgetsOf(data: ScaleData, refreshBudget: number | undefined): Budget[] {
  const budgets: Budget[] = [];
  const extra = data.phases.filter((p) => p.requests !== data.n || p.failures > 0);
  budgets.push({
    name: `scale N=${data.n}: one request per operation, no failures`,
    measured: data.phases.map((p) => `${p.phase} ${p.requests} req/${p.failures} failed`).join(", "),
    limit: `${data.n} requests and 0 failures per phase`,
    pass: extra.length === 0,
    ...(extra.length ? { note: extra.flatMap((p) => p.failureSamples).join("; ") || "extra requests" } : {}),
  });
  const refresh = data.phases.find((p) => p.phase === "refresh");
  const reference = data.phases.find((p) => p.phase === "baseline refresh");
  if (refreshBudget !== undefined && refresh) {
    const pass = refresh.ratio <= refreshBudget;
    const note =
      pass || !reference
        ? undefined
        : `a minimal provider through the same host measured ${reference.ratio.toFixed(2)}× in this run, ` +
          (reference.ratio > refreshBudget
            ? "over the budget as well: the host and the harness alone exceed it on this machine"
            : `so ${(refresh.ratio - reference.ratio).toFixed(2)}× is this provider's own cost`);
    budgets.push({
      name: `scale N=${data.n}: refresh wall time`,
      measured: `${ms(refresh.wallMs)} = ${refresh.ratio.toFixed(2)}× ideal ${ms(refresh.idealMs)}`,
      limit: `≤ ${refreshBudget}× ideal`,
      pass,
      ...(note ? { note } : {}),
    });
  }
  return budgets;
}
