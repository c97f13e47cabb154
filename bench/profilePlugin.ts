/**
 * WIP (issue 33): V8 tick profiles of the plugin and of the plugin-mode floor under the same load (N creates
 * through one process, each Check then Create, as the engine sends them), for `node --prof-process`:
 * `node dist/bench/profilePlugin.js [N] [OUT_DIR]` writes OUT_DIR/{ours,ours-growing,floor}.log and prints
 * each one's tick summary. `ours-growing` runs the plugin with V8's default young-generation growth
 * (`--semi-space-growth-factor=2`, which the plugin's own setting respects), to price that setting in CPU.
 */
import { execFileSync } from "child_process";
import { mkdirSync } from "fs";
import * as path from "path";
import { startPluginSession } from "../tests/support/pluginSession";
import { PROJECT_ROOT } from "../tests/support/providerHost";
import { startBenchEmulator } from "./harness";
import { FLOOR_PLUGIN_PATH } from "./pluginHarness";

const OURS = path.join(PROJECT_ROOT, "bin", "pulumi-resource-ionos-registry-token");

/** Runs `count` creates through `executable` started by `node nodeArgs --prof`; the log's path. */
async function profile(label: string, executable: string, nodeArgs: string[], count: number, out: string) {
  const log = path.join(out, `${label}.log`);
  const { emulator, apiToken } = await startBenchEmulator({});
  const session = await startPluginSession(
    {},
    {
      runner: [process.execPath, ...nodeArgs, "--prof", `--logfile=${log}`, "--no-logfile-per-isolate"],
      executable,
    },
  );
  try {
    await session.configure({ token: apiToken, endpoint: emulator.url });
    const registryId = emulator.registries[0].id;
    const scopes = [{ name: "*", type: "repository", actions: ["pull"] }];
    const started = Date.now();
    await Promise.all(Array.from({ length: count }, (_, i) => session.up(`t${i}`, { registryId, scopes })));
    process.stdout.write(`${label}: ${count} creates in ${Date.now() - started} ms\n`);
  } finally {
    await session.close();
    await emulator.close();
  }
  return log;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const out = path.resolve(process.argv[3] ?? "bench-profiles");
  mkdirSync(out, { recursive: true });
  const runs: Array<[string, string, string[]]> = [
    ["ours", OURS, []],
    ["ours-growing", OURS, ["--semi-space-growth-factor=2"]],
    ["floor", FLOOR_PLUGIN_PATH, []],
  ];
  for (const [label, executable, nodeArgs] of runs) {
    const log = await profile(label, executable, nodeArgs, count, out);
    const processed = execFileSync(process.execPath, ["--prof-process", log], { encoding: "utf8" });
    const summary = /\[Summary\]:\n([\s\S]*?)\n\n/.exec(processed)?.[1] ?? "(no summary)";
    process.stdout.write(`${summary}\n\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
