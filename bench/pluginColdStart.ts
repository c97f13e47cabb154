/**
 * Cold start of the provider plugin, as the engine pays it on every `pulumi` command: from spawning the
 * executable to its port printed, to Configure answered, to the first Create answered, and the process's peak RSS
 * then. Three executables, started alternately against one emulator:
 * - `sea`: the release's linux-amd64 executable (Node.js inside), unpacked as `pulumi plugin install` unpacks it;
 * - `launcher`: what releases shipped before it, the same bundle run by the `node` on PATH through a launcher
 *   script (kept here as the reference the executable must not be slower than);
 * - `checkout`: this checkout's `bin/` script, the npm package's way (`dist/` and `node_modules`);
 * - `floor`: the plugin-mode floor (`floors/pluginFloor.ts`), a node script like `checkout`: what `checkout`
 *   takes beyond it is our modules' load and first request; the rest is Node.js, grpc-js and the protocol.
 * Also the sizes a user downloads and installs, beside the launcher's (which needed a Node.js besides).
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator } from "../emulator";
import { PACKAGE_VERSION } from "../provider/lifecycle/version";
import { bundlePlugin } from "../scripts/release/bundle";
import { PLUGIN_EXECUTABLE, writePluginTarball } from "../scripts/release/pluginArchive";
import { writeTarball } from "../scripts/release/tarball";
import { CHECKOUT_PLUGIN_PATH, startPluginSession } from "../tests/support/pluginSession";
import { median, memoryOf, nowMs } from "./harness";
import { FLOOR_PLUGIN_PATH } from "./pluginHarness";
import { ms, type SectionResult } from "./report";

/** One cold start, each time in ms from the spawn; the peak RSS in bytes after the first Create. */
export interface PluginColdStartRun {
  listeningMs: number;
  configuredMs: number;
  firstCreateMs: number;
  peakRssBytes: number;
}

/** The executables compared. */
type Which = "sea" | "launcher" | "checkout" | "floor";

/** Bytes of the linux-amd64 plugin as a user gets it. */
export interface PluginSizes {
  seaPacked: number;
  seaInstalled: number;
  launcherPacked: number;
  launcherInstalled: number;
  /** The Node.js binary the launcher needed on PATH (this machine's), not part of its tarball. */
  nodeOnPath: number;
}

/** Raw figures: every run of each executable, the ratios of the medians, and the sizes. */
export interface PluginColdStartData {
  runs: Record<Which, PluginColdStartRun[]>;
  /** sea ÷ launcher, per figure. */
  ratio: PluginColdStartRun;
  sizes: PluginSizes;
}

/**
 * The budget (issue 31): the executable's first Create, median, at most the launcher's with the node on PATH —
 * carrying its own Node.js must cost the user no start-up time.
 */
export const SEA_COLD_START_BUDGET = 1.0;
/** Size budgets per platform (issue 31; the release test holds every platform to them too). */
export const SEA_PACKED_BUDGET = 45_000_000;
export const SEA_INSTALLED_BUDGET = 130_000_000;

/** The launcher releases shipped before the executable: it ran the bundle with the node on PATH. */
const LAUNCHER_SCRIPT = `#!/bin/sh\nexec node "$(dirname "$0")/launch.js" "$@"\n`;
const LAUNCH_JS = `"use strict";\nprocess.noDeprecation = true;\nrequire("./plugin.js");\n`;

/** The linux-amd64 executable and the launcher, built and unpacked into `dir`; their paths and sizes. */
async function releasePlugins(dir: string): Promise<{ sea: string; launcher: string; sizes: PluginSizes }> {
  const bundleFile = path.join(dir, "bundle.js");
  await bundlePlugin(bundleFile);
  const bundle = readFileSync(bundleFile, "utf8");
  mkdirSync(path.join(dir, "staging"));
  const seaTarball = await writePluginTarball(
    dir,
    PACKAGE_VERSION,
    { os: "linux", arch: "amd64" },
    bundle,
    path.join(dir, "staging"),
  );
  const seaDir = path.join(dir, "sea");
  mkdirSync(seaDir);
  execFileSync("tar", ["-xzf", seaTarball, "-C", seaDir]);
  const launcherDir = path.join(dir, "launcher");
  mkdirSync(launcherDir);
  writeFileSync(path.join(launcherDir, PLUGIN_EXECUTABLE), LAUNCHER_SCRIPT);
  chmodSync(path.join(launcherDir, PLUGIN_EXECUTABLE), 0o755);
  writeFileSync(path.join(launcherDir, "launch.js"), LAUNCH_JS);
  writeFileSync(path.join(launcherDir, "plugin.js"), bundle);
  const launcherTarball = path.join(dir, "launcher.tar.gz");
  await writeTarball(launcherTarball, launcherDir, [PLUGIN_EXECUTABLE, "launch.js", "plugin.js"]);
  const bytes = (file: string) => statSync(file).size;
  const node = execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).trim();
  return {
    sea: path.join(seaDir, PLUGIN_EXECUTABLE),
    launcher: path.join(launcherDir, PLUGIN_EXECUTABLE),
    sizes: {
      seaPacked: bytes(seaTarball),
      seaInstalled: bytes(path.join(seaDir, PLUGIN_EXECUTABLE)),
      launcherPacked: bytes(launcherTarball),
      launcherInstalled: [PLUGIN_EXECUTABLE, "launch.js", "plugin.js"]
        .map((f) => bytes(path.join(launcherDir, f)))
        .reduce((a, b) => a + b, 0),
      nodeOnPath: bytes(node),
    },
  };
}

/** The process's peak resident set (Linux: VmHWM, read by the harness), in bytes. */
const peakRss = (pid: number): number => (memoryOf(pid)?.peakKiB ?? NaN) * 1024;

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Every executable compared, in the tables' order. */
const ALL: readonly Which[] = ["sea", "launcher", "checkout", "floor"];

/** Starts each executable `runs` times, rotating which goes first, against one emulator. */
export async function measurePluginColdStart(runs: number): Promise<SectionResult<PluginColdStartData>> {
  const work = mkdtempSync(path.join(tmpdir(), "ionos-bench-plugin-"));
  const apiToken = `bench-${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({ credentials: { token: apiToken }, registries: [{ name: "bench" }] });
  const measured: Record<Which, PluginColdStartRun[]> = { sea: [], launcher: [], checkout: [], floor: [] };
  let sizes: PluginSizes;
  try {
    const built = await releasePlugins(work);
    sizes = built.sizes;
    const executables: Record<Which, string> = {
      sea: built.sea,
      launcher: built.launcher,
      checkout: CHECKOUT_PLUGIN_PATH,
      floor: FLOOR_PLUGIN_PATH,
    };
    const once = async (which: Which): Promise<void> => {
      const spawned = nowMs();
      const plugin = await startPluginSession({}, { executable: executables[which] });
      try {
        const listeningMs = nowMs() - spawned;
        await plugin.configure({ token: apiToken, endpoint: emulator.url });
        const configuredMs = nowMs() - spawned;
        const created = await plugin.up("cold", {
          registryId: emulator.registries[0].id,
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
        });
        const firstCreateMs = nowMs() - spawned;
        // The launcher `exec`s node: the pid is the plugin's process in every case.
        measured[which].push({
          listeningMs,
          configuredMs,
          firstCreateMs,
          peakRssBytes: peakRss(plugin.child.pid!),
        });
        await plugin.delete("cold", created);
      } finally {
        await plugin.close();
      }
    };
    // A warm-up of each (the file cache), then a rotating order so that drift in the load hits all alike.
    for (const which of ALL) await once(which);
    for (const which of ALL) measured[which].length = 0;
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < ALL.length; i++) await once(ALL[(run + i) % ALL.length]);
    }
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
  const mid = (which: Which, key: keyof PluginColdStartRun) => median(measured[which].map((r) => r[key]));
  const keys = ["listeningMs", "configuredMs", "firstCreateMs", "peakRssBytes"] as const;
  const ratio = Object.fromEntries(
    keys.map((key) => [key, mid("sea", key) / mid("launcher", key)]),
  ) as unknown as PluginColdStartRun;
  const labels = {
    listeningMs: "spawn → listening",
    configuredMs: "spawn → Configure answered",
    firstCreateMs: "spawn → first Create answered",
    peakRssBytes: "peak RSS after the first Create",
  };
  const show = (key: keyof PluginColdStartRun, value: number) =>
    key === "peakRssBytes" ? MB(value) : ms(value);
  return {
    rows: [
      ...keys.map((key) => ({
        section: "plugin cold start",
        metric: `${labels[key]}: executable / launcher + node / checkout / floor`,
        measured: ALL.map((which) => show(key, mid(which, key))).join(" / "),
        reference: `${ratio[key].toFixed(2)}× the launcher, median of ${runs} each`,
      })),
      {
        section: "plugin cold start",
        metric: "checkout over the floor at the first Create (our modules' load, client, first request)",
        measured: ms(mid("checkout", "firstCreateMs") - mid("floor", "firstCreateMs")),
        reference: `the floor's ${ms(mid("floor", "firstCreateMs"))} is Node.js, grpc-js and the protocol`,
      },
      {
        section: "plugin cold start",
        metric: "linux-amd64 download / installed: executable vs launcher (+ the node it needs)",
        measured: `${MB(sizes.seaPacked)} / ${MB(sizes.seaInstalled)}`,
        reference: `${MB(sizes.launcherPacked)} / ${MB(sizes.launcherInstalled)} + ${MB(sizes.nodeOnPath)} node`,
      },
    ],
    budgets: [
      {
        name: "plugin executable cold start (first Create) ÷ the launcher + node's",
        measured: `${ratio.firstCreateMs.toFixed(2)}×`,
        limit: `≤ ${SEA_COLD_START_BUDGET}×`,
        pass: ratio.firstCreateMs <= SEA_COLD_START_BUDGET,
      },
      {
        name: "plugin executable, linux-amd64 .tar.gz",
        measured: MB(sizes.seaPacked),
        limit: `≤ ${MB(SEA_PACKED_BUDGET)}`,
        pass: sizes.seaPacked <= SEA_PACKED_BUDGET,
      },
      {
        name: "plugin executable, linux-amd64 installed",
        measured: MB(sizes.seaInstalled),
        limit: `≤ ${MB(SEA_INSTALLED_BUDGET)}`,
        pass: sizes.seaInstalled <= SEA_INSTALLED_BUDGET,
      },
    ],
    data: { runs: measured, ratio, sizes },
  };
}
