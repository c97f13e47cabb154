/**
 * The plugin as one self-contained executable per platform: a Node.js single-executable application (SEA), the
 * official Node.js binary of the target platform (from the npm registry, scripts/ensure-node-target.sh) with the
 * bundle injected by `node --build-sea`. The engine runs it like any provider plugin; no `node` on PATH is used.
 *
 * Every step is a function of its inputs, so two releases from one commit are the same bytes: the code cache
 * built with a fixed random seed, no startup snapshot, paths in the SEA configuration relative to the work folder
 * (the blob records the main script's path), symbols stripped by `llvm-strip` (ELF and Mach-O; the Windows
 * binary carries none), and macOS executables signed ad hoc by {@link adhocSign}.
 */
import { execFileSync } from "child_process";
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { runCommand } from "../projectSandbox";
import { REPO_ROOT } from "../pulumiCli";
import { adhocSign } from "./machoAdhocSign";
import { removeAuthenticode } from "./peUnsign";
import type { PluginTarget } from "./pluginArchive";

/**
 * The Node.js inside every executable. Node 26 is the Active LTS line, supported until April 2029, and the only
 * line whose current release npm serves for all five platforms (24.x lacks darwin and Windows packages); its
 * `node --build-sea` builds every platform's executable from Linux. A new patch release gets into the next
 * release by changing this constant (docs/installation-configuration.md, "Which Node.js the plugin embeds").
 */
export const SEA_NODE_VERSION = "26.10.0";

/** The identifier of the macOS ad-hoc signature (the executable's name, as codesign uses by default). */
const SIGNING_IDENTIFIER = "pulumi-resource-ionos-registry-token";

/**
 * The sentinel Node.js looks for in its own binary: `…:0` in a plain `node`, `…:1` once a single-executable blob
 * is injected (the tests read it to tell a release executable from a plain Node.js).
 */
export const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** The official Node.js binary of SEA_NODE_VERSION for `os`/`arch` (cached; fetched from npm the first time). */
export function targetNodeBinary(os: string, arch: string): string {
  const out = execFileSync(
    "bash",
    [path.join(REPO_ROOT, "scripts/ensure-node-target.sh"), SEA_NODE_VERSION, os, arch],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return out.trim().split("\n").pop() as string;
}

/**
 * The Node.js that builds the blobs: the blob's format is promised within one version only, so it is
 * SEA_NODE_VERSION itself, for the machine that builds (releases are built on linux-x64).
 */
function builderNode(): string {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`releases are built on linux-x64 (this is ${process.platform}-${process.arch})`);
  }
  return targetNodeBinary("linux", "amd64");
}

let llvmStrip: string | undefined;

/**
 * Runs a tool without blocking this process (the release builds two platforms at a time), with this process's
 * environment; rejects on a non-zero exit with what it printed.
 */
function runTool(command: string, args: string[], cwd = REPO_ROOT): Promise<unknown> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return runCommand(command, args, { cwd, env });
}

/** `llvm-strip`: Debian's GNU strip reads ELF only; LLVM's reads Mach-O too (scripts/ensure-release-tools.sh). */
async function strip(binary: string): Promise<void> {
  llvmStrip ??= execFileSync("bash", [path.join(REPO_ROOT, "scripts/ensure-release-tools.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop() as string;
  await runTool(llvmStrip, ["--strip-all", binary]);
}


/**
 * What injection left of the platform's signature, settled: Apple silicon runs no unsigned code, so macOS
 * executables are signed ad hoc; the Windows one is left unsigned rather than with a signature that no longer
 * matches (see peUnsign.ts). Linux binaries carry none.
 */
function signedFor(target: PluginTarget, executable: Buffer): Buffer {
  if (target.os === "darwin") return adhocSign(executable, SIGNING_IDENTIFIER);
  if (target.os === "windows") return removeAuthenticode(executable);
  return executable;
}

/** The executable's file name on `target` (`.exe` on Windows: the engine probes it first). */
export function seaFileName(executable: string, target: PluginTarget): string {
  return target.os === "windows" ? `${executable}.exe` : executable;
}

/**
 * Builds the executable of `target` from `bundle` (the text of `bundlePlugin`'s plugin.js) in `workDir` and
 * writes it to `output` (mode 0755). Its files in `workDir` are named by the target, so that builds of several
 * targets may share the folder and run at once.
 */
export async function buildSeaExecutable(
  target: PluginTarget,
  bundle: string,
  workDir: string,
  output: string,
): Promise<void> {
  const name = `${target.os}-${target.arch}`;
  const base = `node-${name}`;
  copyFileSync(targetNodeBinary(target.os, target.arch), path.join(workDir, base));
  chmodSync(path.join(workDir, base), 0o755);
  if (target.os !== "windows") await strip(path.join(workDir, base));
  const main = `main-${name}.js`;
  // node-fetch's dependencies use deprecated Node.js APIs (punycode, url.parse). Node.js hides those warnings
  // for code under node_modules, where the npm package runs them; from a bundle every user would see them.
  writeFileSync(path.join(workDir, main), `process.noDeprecation = true;\n${bundle}`);
  const built = `sea-${name}`;
  // The code cache (V8's compiled top-level code, ~20 KB) saves ~15 ms of every start. V8 takes a cache only from
  // a V8 with the same flags and CPU features, so only the builder's own platform gets one: elsewhere it would be
  // rejected, with a warning on every start.
  const withCodeCache = target.os === "linux" && target.arch === "amd64";
  const config = `sea-${name}.json`;
  writeFileSync(
    path.join(workDir, config),
    JSON.stringify({
      main,
      output: built,
      executable: base,
      disableExperimentalSEAWarning: true,
      useCodeCache: withCodeCache,
      useSnapshot: false,
    }),
  );
  // V8 draws random numbers while it compiles; a fixed seed in the builder makes the code cache the same bytes on
  // every build. The flag is not part of the cache's flag hash (the executable accepts the cache: the release
  // test reads its stderr) and not baked into the executable (its own V8 seeds itself as usual).
  const flags = withCodeCache ? ["--random-seed=1"] : [];
  await runTool(builderNode(), [...flags, "--build-sea", config], workDir);
  const executable = readFileSync(path.join(workDir, built));
  writeFileSync(output, signedFor(target, executable));
  chmodSync(output, 0o755);
  // A hundred megabytes each: a release of five platforms would otherwise hold a gigabyte of temp files.
  for (const file of [base, main, built, config]) rmSync(path.join(workDir, file));
}
