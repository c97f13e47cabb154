/**
 * The plugin tarballs `pulumi plugin install` and the engine's automatic download take: a `.tar.gz` named
 * `pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz` whose top level holds the executable the engine runs
 * (`pulumi-resource-<name>`, or on Windows `pulumi-resource-<name>.cmd`: the engine probes `.exe`, then `.cmd`),
 * a launcher script that checks Node.js, and the bundle. Written byte for byte the same from the same inputs.
 */
import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { MIN_NODE_MAJOR } from "./bundle";
import { writeTarball } from "./tarball";

/** The executable's name, as the engine looks for it (`pulumi-resource-<package name>`). */
export const PLUGIN_EXECUTABLE = "pulumi-resource-ionos-registry-token";

/** A platform the engine names in a plugin tarball's file name. */
export interface PluginTarget {
  os: "linux" | "darwin" | "windows";
  arch: "amd64" | "arm64";
}

/** The platforms a release serves (the bundle is JavaScript: only the launcher differs, on Windows). */
export const PLUGIN_TARGETS: readonly PluginTarget[] = [
  { os: "linux", arch: "amd64" },
  { os: "linux", arch: "arm64" },
  { os: "darwin", arch: "amd64" },
  { os: "darwin", arch: "arm64" },
  { os: "windows", arch: "amd64" },
];

/** The file name the engine downloads for `target` (pulumi/sdk `workspace` names it so). */
export function pluginTarballName(version: string, target: PluginTarget): string {
  return `${PLUGIN_EXECUTABLE}-v${version}-${target.os}-${target.arch}.tar.gz`;
}

const NO_NODE = `${PLUGIN_EXECUTABLE}: Node.js ${MIN_NODE_MAJOR} or later must be on PATH, and no \`node\` was found. Install it from https://nodejs.org`;

/** The POSIX executable: finds `node` and hands over to the launcher. */
const POSIX_EXECUTABLE = `#!/bin/sh
# The Pulumi provider plugin for IONOS Container Registry tokens. It runs the bundled plugin with the Node.js
# on PATH; launch.js checks its version.
if ! command -v node >/dev/null 2>&1; then
  echo "${NO_NODE.replace(/`/g, "\\`")}" >&2
  exit 1
fi
exec node "$(dirname "$0")/launch.js" "$@"
`;

/** The Windows executable (untested here: no Windows machine; the engine runs `.cmd` plugins through cmd.exe). */
const WINDOWS_EXECUTABLE = [
  "@echo off",
  "rem The Pulumi provider plugin for IONOS Container Registry tokens, with the Node.js on PATH.",
  `where node >nul 2>nul || (echo ${NO_NODE.replace(/[()]/g, "^$&")} 1>&2 & exit /b 1)`,
  'node "%~dp0launch.js" %*',
  "",
].join("\r\n");

/**
 * Checks the Node.js version before loading the bundle, in syntax every Node.js parses: an old Node would
 * otherwise stop at the bundle's modern syntax with a SyntaxError that names nothing useful.
 */
const LAUNCHER = `"use strict";
// Checks that the Node.js running the plugin is new enough, then loads the bundle.
var major = Number(process.versions.node.split(".")[0]);
if (!(major >= ${MIN_NODE_MAJOR})) {
  process.stderr.write(
    "${PLUGIN_EXECUTABLE}: needs Node.js ${MIN_NODE_MAJOR} or later, but the node on PATH is " +
      process.version + " (" + process.execPath + ")\\n"
  );
  process.exit(1);
}
// The bundle holds node-fetch and its dependencies, which use deprecated Node.js APIs (punycode, url.parse).
// Node.js hides those warnings for code under node_modules, where the npm package runs them; from a bundle it
// would print them on every command, where no user can act on them.
process.noDeprecation = true;
require("./plugin.js");
`;

/** The files of one platform's tarball, by name, with their modes. */
function pluginFiles(target: PluginTarget): Array<{ name: string; text: string; mode: number }> {
  const executable =
    target.os === "windows"
      ? { name: `${PLUGIN_EXECUTABLE}.cmd`, text: WINDOWS_EXECUTABLE, mode: 0o755 }
      : { name: PLUGIN_EXECUTABLE, text: POSIX_EXECUTABLE, mode: 0o755 };
  return [executable, { name: "launch.js", text: LAUNCHER, mode: 0o644 }];
}

/**
 * Writes the tarball of `target` into `outDir`, holding the launcher files and `bundle` (the plugin.js of
 * `bundlePlugin`); returns its path. Entries are sorted and carry a fixed date, no owner, and normalized modes.
 */
export async function writePluginTarball(
  outDir: string,
  version: string,
  target: PluginTarget,
  bundle: string,
  workDir: string,
): Promise<string> {
  const staging = path.join(workDir, `${target.os}-${target.arch}`);
  mkdirSync(staging, { recursive: true });
  const files = pluginFiles(target);
  for (const file of files) {
    writeFileSync(path.join(staging, file.name), file.text);
    chmodSync(path.join(staging, file.name), file.mode);
  }
  writeFileSync(path.join(staging, "plugin.js"), bundle);
  chmodSync(path.join(staging, "plugin.js"), 0o644);
  const out = path.join(outDir, pluginTarballName(version, target));
  await writeTarball(out, staging, [...files.map((f) => f.name), "plugin.js"].sort());
  return out;
}
