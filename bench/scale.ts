/**
 * Section 4: N tokens created, refreshed, updated and deleted through one process serving the provider — the
 * dynamic-provider host, or the provider plugin — with the emulator adding a fixed latency to every request and
 * at most `concurrency` operations in flight (the engine's default parallelism is 16). Each phase's wall time is
 * compared with the ideal N × latency / concurrency. Both modes run the same phases through `runPhases`; a
 * mode-specific driver says how the engine sequences the gRPC calls of one operation.
 */
import type { RunningEmulator } from "../emulator";
import type { PluginResource } from "../tests/support/pluginSession";
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
import { startPluginBenchEnv, type PluginBenchEnv } from "./pluginHarness";
import { int, ms, type Budget, type Row, type SectionResult } from "./report";
import type { Mode } from "./requests";

/**
 * The lifecycle phases, in order. `baseline refresh` refreshes the same tokens through the same host with a
 * minimal provider (see `baseline.ts`): the part of a refresh that is host and harness, not this provider.
 */
export type PhaseName = "create" | "refresh" | "baseline refresh" | "update" | "delete";

const DYNAMIC_PHASES: readonly PhaseName[] = ["create", "refresh", "baseline refresh", "update", "delete"];
/** The plugin has no minimal counterpart to refresh with: its phases are the lifecycle's. */
const PLUGIN_PHASES: readonly PhaseName[] = ["create", "refresh", "update", "delete"];

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
  mode: Mode;
  n: number;
  latencyMs: number;
  concurrency: number;
  phases: ScalePhase[];
  /** Peak resident set size (VmHWM) at the end of the process serving the provider (host or plugin), KiB. */
  hostPeakRssKiB?: number;
  /** Resident set size of that process at the end, KiB. */
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

/**
 * What the phases need from one mode: the phases it runs, the process whose memory is reported, and one
 * operation of a phase on token `index` as the engine sequences the gRPC calls for it — returning the token as
 * the engine would now store it (undefined once deleted).
 */
interface ScaleDriver<T> {
  mode: Mode;
  phases: readonly PhaseName[];
  emulator: RunningEmulator;
  pid: number | undefined;
  step(phase: PhaseName, index: number, token: T | undefined): Promise<T | undefined>;
}

/** Runs the phases (the minimal provider's refresh too) over `n` tokens through one fresh dynamic-provider host. */
export async function measureScale(
  registered: RegisteredToken,
  options: ScaleOptions,
): Promise<SectionResult<ScaleData>> {
  const { latencyMs = 20 } = options;
  const baseline = await serializedBaselineProvider();
  const env = await startBenchEnv(registered, { faults: { latency: { fixedMs: latencyMs } } });
  let data: ScaleData;
  try {
    data = await runPhases(dynamicDriver(env, baseline), options);
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
 * The same phases through one freshly started plugin process over gRPC. Only the request and failure budget
 * applies: the refresh budget's reference (a minimal provider through the same process) exists for the host.
 */
export async function measurePluginScale(
  registered: RegisteredToken,
  options: Omit<ScaleOptions, "refreshBudgetRatio">,
): Promise<SectionResult<ScaleData>> {
  const { latencyMs = 20 } = options;
  const env = await startPluginBenchEnv(registered, { latency: { fixedMs: latencyMs } });
  let data: ScaleData;
  try {
    data = await runPhases(pluginDriver(env), options);
  } finally {
    await env.close();
  }
  return { rows: rowsOf(data, undefined), budgets: budgetsOf(data, undefined), data };
}

/** Each phase over all N tokens, timed, with the emulator's request log of that phase. */
async function runPhases<T>(driver: ScaleDriver<T>, options: ScaleOptions): Promise<ScaleData> {
  const { n, latencyMs = 20, concurrency = 16 } = options;
  const idealMs = (n * latencyMs) / concurrency;
  const live: Array<T | undefined> = new Array<T | undefined>(n).fill(undefined);
  const phases: ScalePhase[] = [];
  for (const phase of driver.phases) {
    driver.emulator.clearRequests();
    const durations: number[] = [];
    const { value: outcome, ms: wallMs } = await timed(() =>
      runPool(n, concurrency, async (i) => {
        const { value: token, ms: operationMs } = await timed(() => driver.step(phase, i, live[i]));
        live[i] = token;
        durations.push(operationMs);
      }),
    );
    const log = driver.emulator.requests();
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
  const memory = driver.pid === undefined ? undefined : memoryOf(driver.pid);
  return {
    mode: driver.mode,
    n,
    latencyMs,
    concurrency,
    phases,
    hostPeakRssKiB: memory?.peakKiB,
    hostRssKiB: memory?.rssKiB,
  };
}

/** The dynamic mode: the host's Check/Create/Read/Diff/Update/Delete with `__provider` in the payloads. */
function dynamicDriver(env: BenchEnv, baseline: string): ScaleDriver<LiveToken> {
  const { host } = env;
  return {
    mode: "dynamic",
    phases: DYNAMIC_PHASES,
    emulator: env.emulator,
    pid: host.pid,
    async step(phase, _index, token) {
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
    },
  };
}

/**
 * The plugin mode: the same calls over the plugin's gRPC port, each token under its own URN (the engine gives
 * every resource one; the plugin takes the name prefix from it), the password travelling as a secret.
 */
function pluginDriver(env: PluginBenchEnv): ScaleDriver<PluginResource> {
  const { plugin } = env;
  return {
    mode: "plugin",
    phases: PLUGIN_PHASES,
    emulator: env.emulator,
    pid: plugin.child.pid,
    async step(phase, index, token) {
      const name = `t${index}`;
      if (phase === "create") return plugin.up(name, env.program());
      if (!token) throw new Error("the token was not created");
      switch (phase) {
        case "refresh": {
          const read = await plugin.read(name, token);
          if (read?.id !== token.id) throw new Error(`refresh of ${token.id} lost the token`);
          return read;
        }
        case "update": {
          const news = await plugin.check(name, env.program({ status: "disabled" }), token.inputs);
          await plugin.diff(name, token, news);
          return plugin.update(name, token, news);
        }
        case "delete":
          await plugin.delete(name, token);
          return undefined;
        default:
          throw new Error(`the plugin has no ${phase} phase`);
      }
    },
  };
}

/** How the tables name a scale run: by N and by mode. */
function sectionOf(data: ScaleData): string {
  return `scale N=${data.n}, ${data.mode}`;
}

function rowsOf(data: ScaleData, refreshBudget: number | undefined): Row[] {
  const section = sectionOf(data);
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
    metric: `${data.mode === "plugin" ? "plugin" : "host"} peak RSS (VmHWM, all phases)`,
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
    name: `${sectionOf(data)}: one request per operation, no failures`,
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
      name: `${sectionOf(data)}: refresh wall time`,
      measured: `${ms(refresh.wallMs)} = ${refresh.ratio.toFixed(2)}× ideal ${ms(refresh.idealMs)}`,
      limit: `≤ ${refreshBudget}× ideal`,
      pass,
      ...(note ? { note } : {}),
    });
  }
  return budgets;
}
