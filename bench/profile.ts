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
  "native (C++, libraries)",
  "GC",
] as const;

/** One of {@link LAYERS}. */
export type Layer = (typeof LAYERS)[number];

/** One process's profile: ticks by layer, and the total. */
export interface ProcessProfile {
  mode: Mode;
  contender: Contender;
  totalTicks: number;
  byLayer: Record<Layer, number>;
  /** The processed profile's path (`node --prof-process` output). */
  processedPath: string;
}

/** The layer a JavaScript function's location belongs to (from `--prof-process`'s `[JavaScript]` lines). */
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

/**
 * Ticks by layer from `node --prof-process` text: the `[JavaScript]` entries by their location, `[C++]` and
 * `[Shared libraries]` as native, and the summary's GC line. GC ticks are also counted in the other sections
 * (V8 samples the code that allocated), so GC is reported beside them, not added to the total.
 */
export function ticksByLayer(processed: string): { total: number; byLayer: Record<Layer, number> } {
  const byLayer = Object.fromEntries(LAYERS.map((layer) => [layer, 0])) as Record<Layer, number>;
  const total = Number(/Statistical profiling result from .*?\((\d+) ticks/.exec(processed)?.[1] ?? NaN);
  const sections = processed.split(/\n \[(?=[A-Z])/);
  for (const section of sections) {
    const title = /^([A-Za-z ]+)\]:/.exec(section)?.[1];
    if (title === undefined || !["Shared libraries", "JavaScript", "C++"].includes(title)) continue;
    for (const line of section.split("\n").slice(2)) {
      const entry = /^\s+(\d+)\s+[\d.]+%\s+(?:[\d.]+%\s+)?(.*)$/.exec(line);
      if (!entry) continue;
      const ticks = Number(entry[1]);
      const layer: Layer = title === "JavaScript" ? layerOfLocation(entry[2]) : "native (C++, libraries)";
      byLayer[layer] += ticks;
    }
  }
  byLayer.GC = Number(/^\s+(\d+)\s+[\d.]+%\s+GC\s*$/m.exec(processed)?.[1] ?? 0);
  return { total, byLayer };
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
  const processed = execFileSync(process.execPath, ["--prof-process", log], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const processedPath = log.replace(/\.log$/, ".txt");
  writeFileSync(processedPath, processed);
  const { total, byLayer } = ticksByLayer(processed);
  return { mode, contender, totalTicks: total, byLayer, processedPath };
}

/** The table of ticks by layer, ours beside the floor, one mode per column pair. */
export function renderProfiles(profiles: readonly ProcessProfile[]): string {
  const modes = [...new Set(profiles.map((p) => p.mode))];
  const find = (mode: Mode, contender: Contender) =>
    profiles.find((p) => p.mode === mode && p.contender === contender);
  const header = ["ticks by layer", ...modes.flatMap((m) => [`${m}: ours`, `${m}: floor`])];
  const rows = [
    ...LAYERS.map((layer) => [
      layer,
      ...modes.flatMap((m) => [
        String(find(m, "subject")?.byLayer[layer] ?? ""),
        String(find(m, "floor")?.byLayer[layer] ?? ""),
      ]),
    ]),
    [
      "total (GC included above)",
      ...modes.flatMap((m) => [
        String(find(m, "subject")?.totalTicks ?? ""),
        String(find(m, "floor")?.totalTicks ?? ""),
      ]),
    ],
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
