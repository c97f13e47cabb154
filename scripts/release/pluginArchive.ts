/**
 * The plugin tarballs `pulumi plugin install` and the engine's automatic download take: a `.tar.gz` named
 * `pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz` holding one file at its top, the self-contained
 * executable the engine runs (`pulumi-resource-<name>`, `.exe` on Windows; see seaExecutable.ts). Written byte
 * for byte the same from the same inputs.
 */
import { mkdirSync } from "fs";
import * as path from "path";
import { buildSeaExecutable, seaFileName } from "./seaExecutable";
import { writeTarball } from "./tarball";

/** The executable's name, as the engine looks for it (`pulumi-resource-<package name>`). */
export const PLUGIN_EXECUTABLE = "pulumi-resource-ionos-registry-token";

/** A platform the engine names in a plugin tarball's file name. */
export interface PluginTarget {
  os: "linux" | "darwin" | "windows";
  arch: "amd64" | "arm64";
}

/** The platforms a release serves: one executable each, with that platform's Node.js inside. */
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

/**
 * Writes the tarball of `target` into `outDir`, holding the executable built from `bundle` (the plugin.js of
 * `bundlePlugin`); returns its path. The entry carries a fixed date, no owner, and mode 0755.
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
  const executable = seaFileName(PLUGIN_EXECUTABLE, target);
  await buildSeaExecutable(target, bundle, workDir, path.join(staging, executable));
  const out = path.join(outDir, pluginTarballName(version, target));
  await writeTarball(out, staging, [executable]);
  return out;
}
