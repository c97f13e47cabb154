/**
 * The Pulumi engine's own CPU profile of a command (`pulumi … --profiling PREFIX` writes `PREFIX.<pid>.cpu`,
 * Go's pprof format), read with `go tool pprof`: how much of a big stack's preview the engine spends, and on
 * what. The Node.js profiles (`cpuProfiles.ts`) cannot see the engine, which is Go.
 */
import { readdirSync } from "fs";
import * as path from "path";
import { runCommand } from "../scripts/projectSandbox";

/** The file name prefix the engine's profiles get inside a profile folder. */
const ENGINE_PREFIX = "engine";

/** The arguments that make a `pulumi` command write its engine profile into `dir`. */
export function engineProfileArgs(dir: string): string[] {
  return ["--profiling", path.join(dir, ENGINE_PREFIX)];
}

/** The engine's CPU, in ms of samples: all of it, and the parts a big stack makes grow. */
export interface EngineProfile {
  totalMs: number;
  /** Writing the snapshot after each step (`SnapshotManager.saveSnapshot`: serializing every resource so far). */
  snapshotMs: number;
  /** Go's garbage collector's background workers (`runtime.gcBgMarkWorker`; not the assists of allocating code). */
  gcMs: number;
}

/** The functions whose cumulative time {@link EngineProfile} reports, by field. */
const TRACKED: Record<Exclude<keyof EngineProfile, "totalMs">, RegExp> = {
  snapshotMs: /\(\*SnapshotManager\)\.saveSnapshot$/,
  gcMs: /^runtime\.gcBgMarkWorker$/,
};

/** A pprof duration (`1.34s`, `530ms`, `20us`) in ms. */
function durationMs(text: string): number {
  const match = /^([\d.]+)(s|ms|us|µs|ns)$/.exec(text);
  if (!match) throw new Error(`not a pprof duration: ${text}`);
  const scale = { s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 }[match[2] as "s" | "ms" | "us" | "µs" | "ns"];
  return Number(match[1]) * scale;
}

/**
 * Reads `go tool pprof -top -cum` text: the total from its `Total samples = …` line, and each tracked function's
 * cumulative time (a function missing from the listing took none).
 */
export function parsePprofTop(text: string): EngineProfile {
  const total = /Total samples = ([\d.]+(?:s|ms|us|µs|ns))/.exec(text);
  if (!total) throw new Error("no 'Total samples' line in the pprof listing");
  const found: EngineProfile = { totalMs: durationMs(total[1]), snapshotMs: 0, gcMs: 0 };
  for (const line of text.split("\n")) {
    // flat flat% sum% cum cum% name
    const columns = line.trim().split(/\s+/);
    if (columns.length < 6 || !columns[4].endsWith("%")) continue;
    const name = columns.slice(5).join(" ");
    for (const [field, pattern] of Object.entries(TRACKED) as Array<[keyof typeof TRACKED, RegExp]>)
      if (pattern.test(name)) found[field] = Math.max(found[field], durationMs(columns[3]));
  }
  return found;
}

/** The environment commands inherit, without unset variables. */
const inherited = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/** Fails, saying why, unless Go's toolchain is on PATH (`go tool pprof` reads the engine's profile). */
export async function requireGo(): Promise<void> {
  await runCommand("go", ["version"], { cwd: process.cwd(), env: inherited() }).catch((error: Error) => {
    throw new Error(
      `the engine's profile is read with \`go tool pprof\`: Go's toolchain is needed on PATH (${error.message})`,
    );
  });
}

/** Reads the engine profile a command wrote into `dir` (needs Go's toolchain for `go tool pprof`). */
export async function readEngineProfile(dir: string): Promise<EngineProfile> {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${ENGINE_PREFIX}.`) && f.endsWith(".cpu"));
  if (files.length !== 1) throw new Error(`expected one engine CPU profile in ${dir}, found ${files.length}`);
  const args = ["tool", "pprof", "-top", "-cum", "-nodecount=100000", path.join(dir, files[0])];
  const run = await runCommand("go", args, { cwd: dir, env: inherited() });
  return parsePprofTop(run.stdout);
}
