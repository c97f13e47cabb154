/**
 * Section 4: N tokens created, refreshed, updated and deleted through one fresh process serving the provider —
 * the dynamic-provider host, or the provider plugin — with the emulator adding a fixed latency to every request
 * and at most `concurrency` operations in flight (the engine's default parallelism is 16). Each phase's wall time
 * is compared with the ideal N × latency / concurrency. The process first handles a warm-up of
 * {@link WARM_UP_TOKENS} tokens, then its peak RSS is reset, so that the memory reported is what N tokens add,
 * not start-up and JIT; the mode's floor (`floors/`) runs the same way in a process of its own beside it. Both
 * modes run the same phases (`runLifecycle`); a mode-specific driver says how the engine sequences the gRPC calls
 * of one operation. The same drivers serve the rounds against the floor (`againstFloor.ts`).
 */
import type { RunningEmulator } from "../emulator";
import type { PluginResource } from "../tests/support/pluginSession";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { serializedFloorProvider } from "./floors/dynamicFloor";
import {
  cpuTimeMs,
  HEAP_PROBE_ARGS,
  mean,
  memoryOf,
  resetPeakRss,
  percentile,
  retainedHeapKiB,
  runPool,
  startBenchEnv,
  timed,
  type BenchEnv,
  type Launch,
  type LiveToken,
  type Props,
} from "./harness";
import { FLOOR_PLUGIN_PATH, startPluginBenchEnv, type PluginBenchEnv } from "./pluginHarness";
import { int, ms, type Budget, type Row, type SectionResult } from "./report";
import type { Mode } from "./requests";

/** The lifecycle phases, in order: create (with check), refresh, update (with check and diff), delete. */
export type PhaseName = "create" | "refresh" | "update" | "delete";

/** Every phase, in the order a token lives through them. */
export const PHASES: readonly PhaseName[] = ["create", "refresh", "update", "delete"];

/** Which provider a run drives: `RegistryToken`'s, or the mode's floor (`floors/`). */
export type Contender = "subject" | "floor";

/** Tokens every fresh process handles (all phases) before its memory is measured: JIT and heap warm-up. */
export const WARM_UP_TOKENS = 100;

/** One phase over all N tokens. */
export interface ScalePhase {
  phase: PhaseName;
  wallMs: number;
  idealMs: number;
  /** wallMs ÷ idealMs. */
  ratio: number;
  /** CPU time (user + system) the process serving the provider used during the phase, from `/proc`. */
  cpuMs?: number;
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

/** Memory of the process serving one contender, over the measured phases (after the warm-up), KiB. */
export interface ProcessMemory {
  /** Resident set size when the measured phases began (after the warm-up). */
  startRssKiB: number;
  /** Peak resident set size (VmHWM, reset after the warm-up) over the measured phases. */
  peakKiB: number;
  /** Resident set size at the end. */
  rssKiB: number;
  /** The heap that survived a full garbage collection after the warm-up (`probes/heapProbe.ts`). */
  retainedAfterWarmUpKiB?: number;
  /** The heap that survived a full garbage collection at the end. */
  retainedHeapKiB?: number;
}

/** Raw figures of one scale run: `RegistryToken` and the floor, each in a fresh process. */
export interface ScaleData {
  mode: Mode;
  /** The Node version that ran both processes (`v24.22.3`). */
  node: string;
  n: number;
  latencyMs: number;
  concurrency: number;
  warmUpTokens: number;
  /** `RegistryToken`'s phases. */
  phases: ScalePhase[];
  /** The memory of the process serving `RegistryToken` over the measured phases. */
  memory?: ProcessMemory;
  /** The same phases through the floor, in a fresh process of its own. */
  floor?: { phases: ScalePhase[]; memory?: ProcessMemory };
}

/** Parameters of {@link measureScale}. */
export interface ScaleOptions {
  n: number;
  /** @default 20 */
  latencyMs?: number;
  /** @default 16 */
  concurrency?: number;
  /** The Node binary that runs both processes, and its version. @default this process's */
  node?: { path: string; version: string };
}

/**
 * What the phases need from one mode and contender: the emulator it talks to, the process whose memory and CPU
 * are read, and one operation of a phase on token `index` as the engine sequences the gRPC calls for it —
 * returning the token as the engine would now store it (undefined once deleted).
 */
export interface ScaleDriver<T> {
  mode: Mode;
  contender: Contender;
  emulator: RunningEmulator;
  pid: number | undefined;
  step(phase: PhaseName, index: number, token: T | undefined): Promise<T | undefined>;
}

/** A driver and what stops its processes. */
export interface StartedDriver {
  driver: ScaleDriver<unknown>;
  close(): Promise<void>;
}

/**
 * Starts a fresh process serving `contender` in `mode`, against its own emulator with `latencyMs`, with the
 * Node and Node options of `launch`.
 */
export async function startDriver(
  registered: RegisteredToken,
  mode: Mode,
  contender: Contender,
  latencyMs: number,
  launch: Launch = {},
): Promise<StartedDriver> {
  const latency = { fixedMs: latencyMs };
  if (mode === "dynamic") {
    const env = await startBenchEnv(registered, { faults: { latency }, launch });
    const provider = contender === "floor" ? await serializedFloorProvider() : registered.provider;
    return {
      driver: dynamicDriver(env, contender, provider) as ScaleDriver<unknown>,
      close: () => env.close(),
    };
  }
  const env = await startPluginBenchEnv(
    registered,
    { latency },
    contender === "floor" ? FLOOR_PLUGIN_PATH : undefined,
    launch,
  );
  return { driver: pluginDriver(env, contender) as ScaleDriver<unknown>, close: () => env.close() };
}

/**
 * The scale section of one mode: `RegistryToken` and then the floor, each in a fresh process that first handles
 * {@link WARM_UP_TOKENS} tokens, then runs every phase over `n` tokens with its peak RSS reset in between — so
 * the memory figures are the provider's at N, not the process's warm-up.
 */
export async function measureScale(
  registered: RegisteredToken,
  mode: Mode,
  options: ScaleOptions,
): Promise<SectionResult<ScaleData>> {
  const { n, latencyMs = 20, concurrency = 16 } = options;
  const node = options.node ?? { path: process.execPath, version: process.version };
  // Both contenders carry the heap probe (and `--expose-gc`, which it needs), so they run alike.
  const launch: Launch = { node: node.path, nodeArgs: HEAP_PROBE_ARGS };
  const runs: Partial<Record<Contender, { phases: ScalePhase[]; memory?: ProcessMemory }>> = {};
  for (const contender of ["subject", "floor"] as const) {
    const started = await startDriver(registered, mode, contender, latencyMs, launch);
    try {
      runs[contender] = await measureFreshProcess(started.driver, { n, latencyMs, concurrency });
    } finally {
      await started.close();
    }
  }
  const subject = runs.subject!;
  const data: ScaleData = {
    mode,
    node: node.version,
    n,
    latencyMs,
    concurrency,
    warmUpTokens: WARM_UP_TOKENS,
    phases: subject.phases,
    memory: subject.memory,
    floor: runs.floor,
  };
  return { rows: rowsOf(data), budgets: budgetsOf(data), data };
}

/** Warm-up, peak reset, then every phase over `n` tokens; the process's memory over those phases. */
async function measureFreshProcess<T>(
  driver: ScaleDriver<T>,
  options: Required<Omit<ScaleOptions, "node">>,
): Promise<{ phases: ScalePhase[]; memory?: ProcessMemory }> {
  await runLifecycle(driver, { ...options, n: WARM_UP_TOKENS });
  const pid = driver.pid;
  const retainedBefore = pid === undefined ? undefined : await retainedHeapKiB(pid);
  const start = pid === undefined || !resetPeakRss(pid) ? undefined : memoryOf(pid);
  const phases = await runLifecycle(driver, options);
  const end = pid === undefined ? undefined : memoryOf(pid);
  const retained = pid === undefined ? undefined : await retainedHeapKiB(pid);
  const memory =
    start && end
      ? {
          startRssKiB: start.rssKiB,
          peakKiB: end.peakKiB,
          rssKiB: end.rssKiB,
          retainedAfterWarmUpKiB: retainedBefore,
          retainedHeapKiB: retained,
        }
      : undefined;
  return { phases, memory };
}

/** Every phase over `n` fresh tokens, in order. */
export async function runLifecycle<T>(
  driver: ScaleDriver<T>,
  options: Required<Omit<ScaleOptions, "node">>,
): Promise<ScalePhase[]> {
  const live: Array<T | undefined> = new Array<T | undefined>(options.n).fill(undefined);
  const phases: ScalePhase[] = [];
  for (const phase of PHASES) phases.push(await runPhase(driver, phase, live, options));
  return phases;
}

/** One phase over every token of `live`, timed, with the provider process's CPU time and the request log. */
export async function runPhase<T>(
  driver: ScaleDriver<T>,
  phase: PhaseName,
  live: Array<T | undefined>,
  options: Required<Omit<ScaleOptions, "node">>,
): Promise<ScalePhase> {
  const { latencyMs, concurrency } = options;
  const n = live.length;
  const idealMs = (n * latencyMs) / concurrency;
  driver.emulator.clearRequests();
  const durations: number[] = [];
  const cpuBefore = driver.pid === undefined ? undefined : cpuTimeMs(driver.pid);
  const { value: outcome, ms: wallMs } = await timed(() =>
    runPool(n, concurrency, async (i) => {
      const { value: token, ms: operationMs } = await timed(() => driver.step(phase, i, live[i]));
      live[i] = token;
      durations.push(operationMs);
    }),
  );
  const cpuAfter = driver.pid === undefined ? undefined : cpuTimeMs(driver.pid);
  const log = driver.emulator.requests();
  return {
    phase,
    wallMs,
    idealMs,
    ratio: wallMs / idealMs,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}),
    requests: log.length,
    operationMs: { mean: mean(durations), p95: percentile(durations, 0.95) },
    apiMeanMs: mean(log.map((r) => r.durationMs)),
    failures: outcome.failures.length,
    failureSamples: outcome.failures.slice(0, 3).map((f) => f.message),
  };
}

/**
 * The dynamic mode: the host's Check/Create/Read/Diff/Update/Delete with `provider` (`RegistryToken`'s or the
 * floor's serialized text) as `__provider` in the payloads.
 */
export function dynamicDriver(env: BenchEnv, contender: Contender, provider: string): ScaleDriver<LiveToken> {
  const { host } = env;
  const program = (overrides: Props = {}): Props => ({ ...env.program(overrides), __provider: provider });
  return {
    mode: "dynamic",
    contender,
    emulator: env.emulator,
    pid: host.pid,
    async step(phase, _index, token) {
      if (phase === "create") return env.createToken(program());
      if (!token) throw new Error("the token was not created");
      switch (phase) {
        case "refresh": {
          const read = await host.read(token.id, token.outs, token.inputs);
          if (read.id !== token.id) throw new Error(`refresh of ${token.id} lost the token`);
          return { ...token, outs: read.properties };
        }
        case "update": {
          const checked = await host.check(token.inputs, program({ status: "disabled" }));
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
export function pluginDriver(env: PluginBenchEnv, contender: Contender): ScaleDriver<PluginResource> {
  const { plugin } = env;
  return {
    mode: "plugin",
    contender,
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
      }
    },
  };
}

/** How the tables name a scale run: by N and by mode. */
function sectionOf(data: ScaleData): string {
  return `scale N=${data.n}, ${data.mode}, Node ${data.node}`;
}

const mib = (kib: number | undefined): string =>
  kib === undefined ? "n/a" : `${(kib / 1024).toFixed(1)} MiB`;

function rowsOf(data: ScaleData): Row[] {
  const section = sectionOf(data);
  const rows: Row[] = data.phases.map((p) => {
    const floor = data.floor?.phases.find((f) => f.phase === p.phase);
    return {
      section,
      metric: `${p.phase} wall time`,
      measured: `${ms(p.wallMs)} (${int(p.requests)} req${p.failures ? `, ${p.failures} failed` : ""})`,
      reference:
        `ideal ${ms(p.idealMs)}${floor ? `, floor ${ms(floor.wallMs)}` : ""}; ` +
        `op ${p.operationMs.mean.toFixed(1)} ms mean, API ${p.apiMeanMs.toFixed(1)} ms`,
      ratio: p.ratio,
    };
  });
  rows.push({
    section,
    metric: `${data.mode === "plugin" ? "plugin" : "host"} peak RSS after a ${data.warmUpTokens}-token warm-up`,
    measured: mib(data.memory?.peakKiB),
    reference: `floor ${mib(data.floor?.memory?.peakKiB)}; RSS at the start ${mib(data.memory?.startRssKiB)}`,
  });
  rows.push({
    section,
    metric: "heap retained after a full GC: after the warm-up → at the end",
    measured: `${mib(data.memory?.retainedAfterWarmUpKiB)} → ${mib(data.memory?.retainedHeapKiB)}`,
    reference: `floor ${mib(data.floor?.memory?.retainedAfterWarmUpKiB)} → ${mib(data.floor?.memory?.retainedHeapKiB)}`,
  });
  return rows;
}

function budgetsOf(data: ScaleData): Budget[] {
  const runs = [
    { who: "", phases: data.phases },
    { who: " (floor)", phases: data.floor?.phases ?? [] },
  ];
  return runs.map(({ who, phases }) => {
    const extra = phases.filter((p) => p.requests !== data.n || p.failures > 0);
    return {
      name: `${sectionOf(data)}${who}: one request per operation, no failures`,
      measured: phases.map((p) => `${p.phase} ${p.requests} req/${p.failures} failed`).join(", "),
      limit: `${data.n} requests and 0 failures per phase`,
      pass: phases.length === PHASES.length && extra.length === 0,
      ...(extra.length
        ? { note: extra.flatMap((p) => p.failureSamples).join("; ") || "extra requests" }
        : {}),
    };
  });
}

/**
 * Heap retained per added token beyond what the floor retains, at most: the provider keeps nothing per token
 * (the engine holds the state), so whatever it retains as N grows is a leak.
 */
export const RETAINED_BYTES_PER_TOKEN_OVER_FLOOR = 512;
/** Peak RSS at the largest N may be at most this multiple of the floor's (same Node, same run). */
export const PEAK_RSS_RATIO = 1.1;

/**
 * Heap retained per added token between two scale runs (bytes), or undefined without figures: what each run's N
 * tokens left in its process (the retained heap at the end less after the warm-up, so that what differs between
 * two processes' start-ups cancels out), the larger run's less the smaller's, per token of difference.
 */
export function retainedPerToken(
  small: { n: number; retainedAfterWarmUpKiB?: number; retainedHeapKiB?: number },
  large: { n: number; retainedAfterWarmUpKiB?: number; retainedHeapKiB?: number },
): number | undefined {
  const growth = (run: typeof small) =>
    run.retainedHeapKiB === undefined || run.retainedAfterWarmUpKiB === undefined
      ? undefined
      : run.retainedHeapKiB - run.retainedAfterWarmUpKiB;
  const [from, to] = [growth(small), growth(large)];
  if (from === undefined || to === undefined || large.n <= small.n) return undefined;
  return ((to - from) * 1024) / (large.n - small.n);
}

/** What a run's tokens left in the retained heap, in KiB. */
const growthText = (memory: ProcessMemory | undefined): string =>
  memory?.retainedHeapKiB === undefined || memory.retainedAfterWarmUpKiB === undefined
    ? "n/a"
    : `${(memory.retainedHeapKiB - memory.retainedAfterWarmUpKiB).toFixed(0)} KiB`;

/**
 * The memory budgets of one mode on one Node, from its scale runs (smallest and largest N): the heap
 * `RegistryToken`'s process retains after a full GC may grow per token by at most
 * {@link RETAINED_BYTES_PER_TOKEN_OVER_FLOOR} more than the floor's, and its peak RSS at the largest N may be at
 * most {@link PEAK_RSS_RATIO} times the floor's. Peak RSS per token is not judged: it is V8's sizing of the
 * heap, which grows alike for the floor (and differently on each Node line).
 */
export function memoryBudgets(runs: readonly ScaleData[]): Budget[] {
  if (runs.length < 2) return [];
  const [small, large] = [runs[0], runs[runs.length - 1]];
  const at = (run: ScaleData, who: "subject" | "floor") => ({
    n: run.n,
    ...(who === "subject" ? run.memory : run.floor?.memory),
  });
  const ours = retainedPerToken(at(small, "subject"), at(large, "subject"));
  const floor = retainedPerToken(at(small, "floor"), at(large, "floor"));
  const bytes = (b: number | undefined) => (b === undefined ? "n/a" : `${b.toFixed(0)} B`);
  const over = ours === undefined || floor === undefined ? undefined : ours - floor;
  const peak = large.memory?.peakKiB;
  const floorPeak = large.floor?.memory?.peakKiB;
  const peakRatio = peak === undefined || floorPeak === undefined ? undefined : peak / floorPeak;
  const section = `${large.mode}, Node ${large.node}`;
  return [
    {
      name: `${section}: heap retained per token after a full GC, N = ${small.n} → ${large.n}, over the floor's`,
      measured:
        `${bytes(over)} (ours ${bytes(ours)}, floor ${bytes(floor)}; what N tokens left after the warm-up: ` +
        `ours ${growthText(small.memory)} at N = ${small.n}, ${growthText(large.memory)} at ${large.n}; ` +
        `floor ${growthText(small.floor?.memory)}, ${growthText(large.floor?.memory)})`,
      limit: `≤ ${RETAINED_BYTES_PER_TOKEN_OVER_FLOOR} B`,
      pass: over !== undefined && over <= RETAINED_BYTES_PER_TOKEN_OVER_FLOOR,
    },
    {
      name: `${section}: peak RSS at N = ${large.n} ÷ the floor's`,
      measured: `${peakRatio === undefined ? "n/a" : `${peakRatio.toFixed(2)}×`} (${mib(peak)} vs ${mib(floorPeak)})`,
      limit: `≤ ${PEAK_RSS_RATIO}×`,
      pass: peakRatio !== undefined && peakRatio <= PEAK_RSS_RATIO,
    },
  ];
}
