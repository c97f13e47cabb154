/**
 * What every bench section shares: an emulator plus one configured Pulumi dynamic-provider host, the inputs
 * the engine would send for a token, a bounded concurrency pool, and a clock. The plugin-mode counterpart of
 * the host environment is in `pluginHarness.ts`.
 */
import { randomBytes } from "crypto";
import { readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { startEmulator, type FaultOptions, type RunningEmulator } from "../emulator";
import { startProviderHost, type ProviderHost } from "../tests/support/providerHost";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { heapReportPath, type HeapReport } from "./probes/heapProbe";

/** Property bag as it travels over gRPC. */
export type Props = Record<string, unknown>;

/** The protocol's diff enum: 1 none, 2 some. */
export const DIFF_NONE = 1;

/** A token the engine knows about: its ID, the checked inputs, and the outputs stored in state. */
export interface LiveToken {
  id: string;
  inputs: Props;
  outs: Props;
}

/** An emulator and one host configured against it. */
export interface BenchEnv {
  emulator: RunningEmulator;
  host: ProviderHost;
  registryId: string;
  /** The API token the emulator accepts (random per run). */
  apiToken: string;
  /** The inputs the engine would send for a new token: the registered inputs, overrides, `__provider`. */
  program(overrides?: Props): Props;
  /** check → create, as `pulumi up` does for a new resource. */
  createToken(news?: Props): Promise<LiveToken>;
  close(): Promise<void>;
}

/** Options of {@link startBenchEnv}. */
export interface BenchEnvOptions {
  faults?: FaultOptions;
  /** Host working directory (where the provider's `require()` calls resolve). @default the project root */
  hostCwd?: string;
  /** Serialized provider to send instead of `registered.provider`. */
  provider?: string;
  /** How the host process is started: which Node, with which options. @default this Node, no options */
  launch?: Launch;
}

/**
 * How the bench starts a process it measures: the Node binary (the memory budgets run on more than one line)
 * and Node options put before the script (the profiles' `--prof`, the heap probe).
 */
export interface Launch {
  /** @default this process's Node */
  node?: string;
  /** @default none */
  nodeArgs?: readonly string[];
}

/**
 * Starts an emulator (loopback, one registry, `faults`) and a dynamic-provider host configured for it.
 * @param registered - what `RegistryToken` registers, from `registerToken`
 */
export async function startBenchEnv(
  registered: RegisteredToken,
  options: BenchEnvOptions = {},
): Promise<BenchEnv> {
  const { emulator, apiToken } = await startBenchEmulator(options.faults);
  let host: ProviderHost;
  try {
    host = await startProviderHost({ cwd: options.hostCwd, ...options.launch });
    await host.configure({ "ionoscloud:token": apiToken, "ionoscloud:endpoint": emulator.url });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const registryId = emulator.registries[0].id;
  const provider = options.provider ?? registered.provider;
  const program = (overrides: Props = {}): Props => ({
    ...registered.inputs,
    registryId,
    ...overrides,
    __provider: provider,
  });
  return {
    emulator,
    host,
    registryId,
    apiToken,
    program,
    async createToken(news = program()) {
      const checked = await host.check({}, news);
      if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
      const { id, properties } = await host.create(checked.inputs);
      return { id, inputs: checked.inputs, outs: properties };
    },
    async close() {
      await host.close();
      await emulator.close();
    },
  };
}

/**
 * Starts the emulator every section measures against: loopback, one registry, a random API token, `faults`.
 * Both modes use it, so their request logs and latencies are alike.
 */
export async function startBenchEmulator(
  faults: FaultOptions = {},
): Promise<{ emulator: RunningEmulator; apiToken: string }> {
  const apiToken = `bench-${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({
    credentials: { token: apiToken },
    registries: [{ name: "bench" }],
    faults,
  });
  return { emulator, apiToken };
}

/** Outcome of {@link runPool}. */
export interface PoolOutcome<T> {
  /** Results by index; undefined where the task failed. */
  results: Array<T | undefined>;
  /** Failure messages, by index of the failed task. */
  failures: Array<{ index: number; message: string }>;
}

/**
 * Runs `task(0)`, …, `task(count - 1)` with at most `limit` in flight, like the engine's step executor with
 * `--parallel limit`. A failed task is recorded, not rethrown.
 */
export async function runPool<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<PoolOutcome<T>> {
  const results: Array<T | undefined> = new Array<T | undefined>(count).fill(undefined);
  const failures: PoolOutcome<T>["failures"] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      try {
        results[index] = await task(index);
      } catch (error) {
        failures.push({ index, message: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return { results, failures };
}

/** Milliseconds since an arbitrary origin, monotonic. */
export function nowMs(): number {
  return performance.now();
}

/** Runs `fn` and returns its result with the wall time it took in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = nowMs();
  const value = await fn();
  return { value, ms: nowMs() - start };
}

/**
 * Peak and current resident set size of a process in KiB (`VmHWM`, `VmRSS` from `/proc/<pid>/status`), or
 * undefined where `/proc` is unavailable.
 */
export function memoryOf(pid: number): { peakKiB: number; rssKiB: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : undefined;
  };
  const peakKiB = field("VmHWM");
  const rssKiB = field("VmRSS");
  return peakKiB === undefined || rssKiB === undefined ? undefined : { peakKiB, rssKiB };
}

/** Clock ticks per second of `/proc/<pid>/stat`'s CPU times (`getconf CLK_TCK`: 100 on every Linux we run). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far in milliseconds, from `/proc/<pid>/stat`, or undefined
 * where `/proc` is unavailable. Its resolution is one clock tick (10 ms): measure phases that use seconds.
 */
export function cpuTimeMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Resets a process's peak resident set size (`VmHWM`) to its current one (`echo 5 > /proc/<pid>/clear_refs`),
 * so that the next {@link memoryOf} reports the peak since now. False where that is not possible.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Node options that load the heap probe (`probes/heapProbe.ts`) into a measured process. */
export const HEAP_PROBE_ARGS: readonly string[] = [
  "--expose-gc",
  "--require",
  path.join(__dirname, "probes", "heapProbe.js"),
];

/**
 * The heap a process started with {@link HEAP_PROBE_ARGS} retains: it is signalled to run a full garbage
 * collection and report the heap in use after it, KiB.
 */
export async function retainedHeapKiB(pid: number, timeoutMs = 15_000): Promise<number> {
  const report = heapReportPath(pid);
  rmSync(report, { force: true });
  process.kill(pid, "SIGUSR2");
  const deadline = nowMs() + timeoutMs;
  while (nowMs() < deadline) {
    try {
      const { heapUsedBytes } = JSON.parse(readFileSync(report, "utf8")) as HeapReport;
      rmSync(report, { force: true });
      return heapUsedBytes / 1024;
    } catch {
      // Not written yet (or half written): the probe writes it after the collection.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  // Without the probe, SIGUSR2's default action ends the process: say both.
  throw new Error(
    `process ${pid} reported no heap within ${timeoutMs} ms: started without HEAP_PROBE_ARGS (then the ` +
      "signal ended it), or it did not get to run the probe's handler",
  );
}

/** The median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The arithmetic mean of a list (NaN when empty). */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The nearest-rank percentile `q` (0–1) of a list (NaN when empty). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
