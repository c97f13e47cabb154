/**
 * Cold start of the provider plugin, as the engine pays it on every `pulumi` command: from spawning the
 * executable to its port printed, to Configure answered, to the first Create answered. Two executables, started
 * alternately: this checkout's `bin/` script (the npm package's way: `dist/` and `node_modules`), and the
 * release tarball's launcher and bundle, unpacked as `pulumi plugin install` unpacks it. The release plugin must
 * start no slower.
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator } from "../emulator";
import { PACKAGE_VERSION } from "../provider/lifecycle/version";
import { bundlePlugin } from "../scripts/release/bundle";
import { PLUGIN_EXECUTABLE, writePluginTarball } from "../scripts/release/pluginArchive";
import { PLUGIN_PATH, startPluginSession } from "../tests/support/pluginSession";
import { median, nowMs } from "./harness";
import { ms, type SectionResult } from "./report";

/** One cold start, each figure in ms from the spawn. */
export interface PluginColdStartRun {
  listeningMs: number;
  configuredMs: number;
  firstCreateMs: number;
}

/** Raw figures: every run of each executable, and the ratio of the medians (release ÷ checkout). */
export interface PluginColdStartData {
  checkout: PluginColdStartRun[];
  release: PluginColdStartRun[];
  ratio: PluginColdStartRun;
}

/**
 * The budget: the release plugin's first Create, median, at most this many times the checkout's — "no slower",
 * with room for the noise of three quick-mode starts on shared cores (measured 0.76× in a full run and 0.97× in
 * a CI quick run on a loaded machine).
 */
export const RELEASE_COLD_START_BUDGET = 1.1;

/** The linux-amd64 release tarball, written and unpacked into `dir`; the executable's path. */
async function unpackedReleasePlugin(dir: string): Promise<string> {
  const bundle = path.join(dir, "bundle.js");
  await bundlePlugin(bundle);
  const tarball = await writePluginTarball(
    dir,
    PACKAGE_VERSION,
    { os: "linux", arch: "amd64" },
    readFileSync(bundle, "utf8"),
    path.join(dir, "staging"),
  );
  const installed = path.join(dir, "installed");
  execFileSync("mkdir", ["-p", installed]);
  execFileSync("tar", ["-xzf", tarball, "-C", installed]);
  return path.join(installed, PLUGIN_EXECUTABLE);
}

/** Starts each executable `runs` times, alternating which goes first, against one emulator. */
export async function measurePluginColdStart(runs: number): Promise<SectionResult<PluginColdStartData>> {
  const work = mkdtempSync(path.join(tmpdir(), "ionos-bench-plugin-"));
  const apiToken = `bench-${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({ credentials: { token: apiToken }, registries: [{ name: "bench" }] });
  const measured = { checkout: [] as PluginColdStartRun[], release: [] as PluginColdStartRun[] };
  try {
    const executables = { checkout: PLUGIN_PATH, release: await unpackedReleasePlugin(work) };
    const once = async (which: keyof typeof executables): Promise<void> => {
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
        measured[which].push({ listeningMs, configuredMs, firstCreateMs: nowMs() - spawned });
        await plugin.delete("cold", created);
      } finally {
        await plugin.close();
      }
    };
    // A warm-up of each (the file cache), then alternating order so that drift in the load hits both alike.
    await once("checkout");
    await once("release");
    measured.checkout.length = 0;
    measured.release.length = 0;
    for (let run = 0; run < runs; run++) {
      const order: (keyof typeof executables)[] =
        run % 2 === 0 ? ["checkout", "release"] : ["release", "checkout"];
      for (const which of order) await once(which);
    }
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
  const mid = (list: PluginColdStartRun[], key: keyof PluginColdStartRun) => median(list.map((r) => r[key]));
  const keys = ["listeningMs", "configuredMs", "firstCreateMs"] as const;
  const ratio = Object.fromEntries(
    keys.map((key) => [key, mid(measured.release, key) / mid(measured.checkout, key)]),
  ) as unknown as PluginColdStartRun;
  const labels = {
    listeningMs: "listening",
    configuredMs: "Configure answered",
    firstCreateMs: "first Create answered",
  };
  return {
    rows: keys.map((key) => ({
      section: "plugin cold start",
      metric: `spawn → ${labels[key]}: release / checkout`,
      measured: `${ms(mid(measured.release, key))} / ${ms(mid(measured.checkout, key))}`,
      reference: `${ratio[key].toFixed(2)}×, median of ${runs} each`,
    })),
    budgets: [
      {
        name: "release plugin cold start (first Create) ÷ the checkout's",
        measured: `${ratio.firstCreateMs.toFixed(2)}×`,
        limit: `≤ ${RELEASE_COLD_START_BUDGET}×`,
        pass: ratio.firstCreateMs <= RELEASE_COLD_START_BUDGET,
      },
    ],
    data: { ...measured, ratio },
  };
}
