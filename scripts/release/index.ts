/**
 * `npm run release [-- --plugin-download-url URL]`: every artifact of a release, into `release/` (git-ignored):
 * the self-contained plugin tarballs per platform, the npm package, the schema (carrying `pluginDownloadURL`
 * when one is given, so that SDKs generated from it make the engine download the plugin from there), the SDKs
 * as installable packages, and `SHA256SUMS`. Two runs from the same commit write the same bytes.
 */
import { createHash } from "crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "util";
import { pluginSchema } from "../../provider/plugin/schema";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { REPO_ROOT } from "../pulumiCli";
import { bundlePlugin } from "./bundle";
import { PLUGIN_TARGETS, type PluginTarget, writePluginTarball } from "./pluginArchive";
import { packNpmPackage } from "./npmPackage";
import { writeSdkPackages } from "./sdkPackages";

/** Where a release goes (git-ignored). */
export const RELEASE_DIR = path.join(REPO_ROOT, "release");

/** What to release. */
export interface ReleaseOptions {
  /** Written into the schema, and so into every SDK: where the engine downloads the plugin from. */
  pluginDownloadUrl?: string;
  /** @default {@link RELEASE_DIR} */
  outDir?: string;
  /**
   * The platforms to build plugin executables for. @default {@link PLUGIN_TARGETS} (a test that installs on
   * this machine only needs this machine's: each executable takes seconds and a hundred megabytes to build)
   */
  targets?: readonly PluginTarget[];
  /** Progress lines. @default stderr */
  log?: (line: string) => void;
}

/** The schema a release ships: the plugin's own, with `pluginDownloadURL` when one is given. */
export function releaseSchema(pluginDownloadUrl?: string): string {
  const schema = JSON.parse(pluginSchema()) as Record<string, unknown>;
  if (pluginDownloadUrl !== undefined) schema.pluginDownloadURL = pluginDownloadUrl;
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes `SHA256SUMS` over every file in `dir` (sorted, as `sha256sum` prints them). */
export function writeChecksums(dir: string): string {
  const lines = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== "SHA256SUMS")
    .map((entry) => entry.name)
    .sort()
    .map(
      (name) =>
        `${createHash("sha256")
          .update(readFileSync(path.join(dir, name)))
          .digest("hex")}  ${name}`,
    );
  const file = path.join(dir, "SHA256SUMS");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/**
 * Said when a release is built without `--plugin-download-url`: its SDKs then name no download URL, and the
 * engine asks Pulumi's own servers for the plugin, which do not have it ("Could not automatically download").
 */
export const NO_DOWNLOAD_URL_WARNING =
  "warning: no --plugin-download-url: the SDKs in this release name no place to download the plugin from, so " +
  "the engine will look for it on get.pulumi.com and fail (Could not automatically download). Users must then " +
  "install it first with `pulumi plugin install resource ionos-registry-token v<version> --file <tarball>`. " +
  "To publish, build again with --plugin-download-url <the URL where release/ will be served>.";

/** Builds every artifact into a fresh `outDir`; returns the file names written. */
export async function release(options: ReleaseOptions = {}): Promise<string[]> {
  const outDir = options.outDir ?? RELEASE_DIR;
  const log = options.log ?? ((line: string) => process.stderr.write(`release: ${line}\n`));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), "ionos-release-"));
  try {
    const bundleFile = path.join(work, "plugin.js");
    log(`bundling the plugin: ${await bundlePlugin(bundleFile)} bytes`);
    const bundle = readFileSync(bundleFile, "utf8");
    // Two platforms at a time: each build is mostly child processes and gzip on libuv's threads, so two keep a
    // two-core machine busy; the bytes of each do not depend on the order.
    const files = await inPairs(options.targets ?? PLUGIN_TARGETS, (target) =>
      writePluginTarball(outDir, PACKAGE_VERSION, target, bundle, work),
    );
    for (const file of files) log(`${path.basename(file)}: ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`);
    log(path.basename(packNpmPackage(outDir)));
    const schemaFile = path.join(outDir, "schema.json");
    writeFileSync(schemaFile, releaseSchema(options.pluginDownloadUrl));
    for (const file of await writeSdkPackages(schemaFile, outDir, work)) log(path.basename(file));
    writeChecksums(outDir);
    // Last, where the progress lines do not bury it.
    if (options.pluginDownloadUrl === undefined) log(NO_DOWNLOAD_URL_WARNING);
    return readdirSync(outDir).sort();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `task` over `items`, at most two at a time; the results in the items' order. */
async function inPairs<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]);
  };
  await Promise.all([worker(), worker()]);
  return results;
}

function main(): void {
  const { values } = parseArgs({ options: { "plugin-download-url": { type: "string" } } });
  release({ pluginDownloadUrl: values["plugin-download-url"] }).then(
    (files) => console.log(`release/: ${files.join(", ")}`),
    (error: Error) => {
      process.stderr.write(`release: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
