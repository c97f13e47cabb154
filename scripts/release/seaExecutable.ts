/**
 * WIP (issue 31): the plugin as one self-contained executable per platform — a Node.js single-executable
 * application (SEA): the official Node.js binary of the target platform (scripts/ensure-node-target.sh) with the
 * bundle injected, so that the plugin needs no `node` on PATH. Not wired into the release yet.
 *
 * Facts this relies on (measured on linux-x64, Dec 2026): `node --build-sea` of Node 26 takes an `executable`
 * to inject into; a `strip --strip-all` copy of the linux-x64 binary gives a 118.5 MB executable and a 41.9 MB
 * `.tar.gz`; without the code cache and the snapshot the output is a function of its inputs.
 */
import { execFileSync } from "child_process";
import { chmodSync, copyFileSync, writeFileSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "../pulumiCli";
import type { PluginTarget } from "./pluginArchive";

/** The Node.js embedded in every executable: the one version npm serves for all five platforms (an LTS line). */
export const SEA_NODE_VERSION = "26.10.0";

/** The Node.js binary of `target` (cached; fetched from the npm registry the first time). */
function targetNode(target: PluginTarget): string {
  const out = execFileSync(
    "bash",
    [path.join(REPO_ROOT, "scripts/ensure-node-target.sh"), SEA_NODE_VERSION, target.os, target.arch],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return out.trim().split("\n").pop() as string;
}

/**
 * Builds the executable of `target` from `bundle` (the text of `bundlePlugin`'s plugin.js) in `workDir`;
 * returns its path. `builder` is a Node.js of SEA_NODE_VERSION that runs here (the blob's format is promised
 * within one version only). Only linux-amd64 is stripped so far: GNU strip here reads no Mach-O or PE (to try:
 * llvm-strip from Debian's llvm-19); darwin-arm64 also needs an ad-hoc signature (see the issue 31 note).
 */
export function buildSeaExecutable(target: PluginTarget, bundle: string, workDir: string, builder: string): string {
  const base = path.join(workDir, `node-${target.os}-${target.arch}`);
  copyFileSync(targetNode(target), base);
  chmodSync(base, 0o755);
  if (target.os === "linux" && target.arch === "amd64") execFileSync("strip", ["--strip-all", base]);
  const main = path.join(workDir, `main-${target.os}-${target.arch}.js`);
  // node-fetch's dependencies use deprecated APIs; from a bundle the warnings reach every user (see launch.js).
  writeFileSync(main, `process.noDeprecation = true;\n${bundle}`);
  const output = path.join(workDir, `sea-${target.os}-${target.arch}${target.os === "windows" ? ".exe" : ""}`);
  const config = path.join(workDir, `sea-${target.os}-${target.arch}.json`);
  // Paths relative to workDir: the blob records the main script's path, and a temp folder's name would make
  // two builds of the same inputs differ.
  writeFileSync(
    config,
    JSON.stringify({
      main: path.basename(main),
      output: path.basename(output),
      executable: path.basename(base),
      disableExperimentalSEAWarning: true,
      useCodeCache: false,
      useSnapshot: false,
    }),
  );
  execFileSync(builder, ["--build-sea", path.basename(config)], {
    cwd: workDir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return output;
}
