/**
 * `npm run bench -- --profile [N]`: where the provider process spends its CPU, against the floor's, in both
 * modes. Each contender (`RegistryToken`, then its mode's floor) runs in a fresh process started with V8's tick
 * profiler (`--prof`), handles the warm-up and then every lifecycle phase over N tokens (as the scale and
 * against-the-floor sections drive them), and its log is summarized with `node --prof-process`. The ticks are
 * grouped by who runs them — the provider (ours, or the floor's in the floor's process), Pulumi's SDK, grpc-js, google-protobuf, node-fetch, Node's own
 * JavaScript, native code, GC — so that the table says which layer costs what the floor does not. Writes the
 * logs and the processed profiles to `bench/profiles/` (not committed) for the bottom-up detail.
 */
import { execFileSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../tests/support/providerHost";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import type { Mode } from "./requests";
import { runLifecycle, startDriver, WARM_UP_TOKENS, type Contender } from "./scale";

/** Where the logs and processed profiles go. */
export const PROFILE_DIR = path.join(PROJECT_ROOT, "bench", "profiles");

/** The layers ticks are counted under, in the table's order. */
export const LAYERS = [
  "provider",
  "@pulumi/pulumi",
  "@grpc/grpc-js",
  "google-protobuf",
  "node-fetch",
  "other packages",
  "node: internals",
  "no JavaScript caller: GC",
  "no JavaScript caller: other native",
  "idle (waiting in epoll)",
  "the profiler's own logging",
] as const;

/** One of {@link LAYERS}. */
export type Layer = (typeof LAYERS)[number];

/** One process's profile: ticks by layer, and the total. */
export interface ProcessProfile {
  mode: Mode;
  contender: Contender;
  /** Every tick, idle ones included (the profiler samples on a wall-clock timer). */
  totalTicks: number;
  /** Ticks spent in garbage collection (also counted in the layers, where V8 was when it collected). */
  gcTicks: number;
  byLayer: Record<Layer, number>;
  /** The processed profile's path (`node --prof-process` output). */
  processedPath: string;
}

/** The layer of a JavaScript function by the name V8 logs for it (`name /path/file.js:1:2`, `node:…`). */
export function layerOfLocation(location: string): Layer {
  if (location.includes("/node_modules/@pulumi/pulumi/")) return "@pulumi/pulumi";
  if (location.includes("/node_modules/@grpc/")) return "@grpc/grpc-js";
  if (location.includes("/node_modules/google-protobuf/")) return "google-protobuf";
  if (location.includes("/node_modules/node-fetch/")) return "node-fetch";
  if (location.includes("/node_modules/")) return "other packages";
  if (/\bnode:/.test(location)) return "node: internals";
  // The rest: dist/provider/ (ours), dist/bench/floors/ (the floor's), or the serialized provider the dynamic
  // host evaluates from a string (no file): each process serves one contender, so it is that one's.
  return "provider";
}

/** What `node --prof-process --preprocess` writes: code objects, and per tick its stack (leaf first). */
export interface PreprocessedProfile {
  code: Array<{ name: string; type: string } | null>;
  /** `vm`: V8's state (1 = GC); `s`: pairs of code index (-1: unknown) and offset, from the leaf down. */
  ticks: Array<{ vm: number; s: number[] }>;
}

/** V8's `StateTag`s read here: garbage collection, idle, and the profiler writing its log. */
const VM_STATE_GC = 1;
const VM_STATE_IDLE = 8;
const VM_STATE_LOGGING = 9;

/**
 * Ticks by layer, each tick counted once for its nearest JavaScript caller outside Node's own JavaScript: a V8
 * builtin, a stub, native code (a JSON parse, a socket write) or Node's streams and http count for the package
 * that called them, so "provider" is what the provider's own functions cost with everything they call that is
 * not another package; "node: internals" is what Node's JavaScript does with no package on the stack (the event
 * loop's callbacks: sockets, timers). Ticks with no
 * JavaScript on the stack are GC (V8's state), the event loop's wait (`epoll_pwait`: the profiler samples on a
 * wall-clock timer, so idle time shows), or other native work (I/O callbacks, threads).
 */
export function ticksByLayer(profile: PreprocessedProfile): {
  total: number;
  gc: number;
  byLayer: Record<Layer, number>;
} {
  const byLayer = Object.fromEntries(LAYERS.map((layer) => [layer, 0])) as Record<Layer, number>;
  let gc = 0;
  for (const tick of profile.ticks) {
    if (tick.vm === VM_STATE_GC) gc++;
    byLayer[layerOfTick(profile, tick)]++;
  }
  return { total: profile.ticks.length, gc, byLayer };
}

function layerOfTick(profile: PreprocessedProfile, tick: PreprocessedProfile["ticks"][number]): Layer {
  if (tick.vm === VM_STATE_LOGGING) return "the profiler's own logging";
  if (tick.vm === VM_STATE_IDLE) return "idle (waiting in epoll)";
  let nodeInternal = false;
  for (let i = 0; i < tick.s.length; i += 2) {
    const code = tick.s[i] >= 0 ? profile.code[tick.s[i]] : null;
    if (code?.type !== "JS") continue;
    const layer = layerOfLocation(code.name);
    // Node's own JavaScript (streams, http, timers) counts for the package that called it.
    if (layer !== "node: internals") return layer;
    nodeInternal = true;
  }
  if (nodeInternal) return "node: internals";
  const leaf = tick.s[0] >= 0 ? profile.code[tick.s[0]] : null;
  if (leaf?.name.startsWith("epoll_pwait")) return "idle (waiting in epoll)";
  return tick.vm === VM_STATE_GC ? "no JavaScript caller: GC" : "no JavaScript caller: other native";
}

/** Profiles one contender of one mode over the warm-up and N tokens' lifecycle. */
async function profileProcess(
  registered: RegisteredToken,
  mode: Mode,
  contender: Contender,
  n: number,
): Promise<ProcessProfile> {
  const log = path.join(PROFILE_DIR, `${mode}-${contender}.log`);
  const nodeArgs = ["--prof", `--logfile=${log}`, "--no-logfile-per-isolate"];
  const started = await startDriver(registered, mode, contender, 20, { nodeArgs });
  try {
    const run = { latencyMs: 20, concurrency: 16 };
    await runLifecycle(started.driver, { ...run, n: WARM_UP_TOKENS });
    await runLifecycle(started.driver, { ...run, n });
  } finally {
    await started.close();
  }
  const processOptions = { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 } as const;
  const processed = execFileSync(process.execPath, ["--prof-process", log], processOptions);
  const processedPath = log.replace(/\.log$/, ".txt");
  writeFileSync(processedPath, processed);
  const stacks = execFileSync(process.execPath, ["--prof-process", "--preprocess", log], processOptions);
  const { total, gc, byLayer } = ticksByLayer(JSON.parse(stacks) as PreprocessedProfile);
  return { mode, contender, totalTicks: total, gcTicks: gc, byLayer, processedPath };
}

/** The table of ticks by layer, ours beside the floor, one mode per column pair. */
export function renderProfiles(profiles: readonly ProcessProfile[]): string {
  const modes = [...new Set(profiles.map((p) => p.mode))];
  const find = (mode: Mode, contender: Contender) =>
    profiles.find((p) => p.mode === mode && p.contender === contender);
  const header = ["ticks by layer", ...modes.flatMap((m) => [`${m}: ours`, `${m}: floor`])];
  const cells = (pick: (p: ProcessProfile) => number) =>
    modes.flatMap((m) => [find(m, "subject"), find(m, "floor")].map((p) => (p ? String(pick(p)) : "")));
  // The profiler's own logging is no part of either provider's cost.
  const busy = (p: ProcessProfile) =>
    p.totalTicks - p.byLayer["idle (waiting in epoll)"] - p.byLayer["the profiler's own logging"];
  const rows = [
    ...LAYERS.map((layer) => [layer, ...cells((p) => p.byLayer[layer])]),
    ["**busy (all but idle and the profiler's logging)**", ...cells(busy)],
    ["of which garbage collection", ...cells((p) => p.gcTicks)],
  ];
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Profiles both modes at `n` tokens, writes the logs and the table, and returns the profiles. */
export async function profileBothModes(registered: RegisteredToken, n: number): Promise<ProcessProfile[]> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const profiles: ProcessProfile[] = [];
  for (const mode of ["dynamic", "plugin"] as const)
    for (const contender of ["subject", "floor"] as const) {
      process.stderr.write(
        `bench: profiling ${mode} ${contender === "subject" ? "RegistryToken" : "floor"}…\n`,
      );
      profiles.push(await profileProcess(registered, mode, contender, n));
    }
  const table = renderProfiles(profiles);
  writeFileSync(path.join(PROFILE_DIR, "summary.md"), `${table}\n`);
  return profiles;
}
