/**
 * Finding and running the real Pulumi CLI offline, for the demo (`npm start`) and the end-to-end tests.
 */
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";

/** The oldest CLI whose engine hands stack config to dynamic providers' `configure`. */
export const MIN_PULUMI_VERSION = [3, 139, 0] as const;

/** The repository root (this file is compiled to dist/scripts/). */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Environment that keeps the CLI away from Pulumi's services; IONOS_* of the caller are not inherited. */
export function offlineEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("IONOS_")) env[k] = v;
  return {
    ...env,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extra,
  };
}

/** The version of the `pulumi` on PATH when it is usable, else why not. */
export function findPulumi(): { version: string } | { missing: string } {
  let version: string;
  try {
    version = execFileSync("pulumi", ["version"], {
      encoding: "utf8",
      env: offlineEnv(),
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return { missing: "no `pulumi` on PATH" };
  }
  const parts = version.replace(/^v/, "").split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== MIN_PULUMI_VERSION[i]) {
      return (parts[i] ?? 0) > MIN_PULUMI_VERSION[i]
        ? { version }
        : { missing: `pulumi ${version} is older than ${MIN_PULUMI_VERSION.join(".")}` };
    }
  }
  return { version };
}

/**
 * Makes a CLI available: the one on PATH, else the one `scripts/ensure-pulumi.sh` builds from the Go module
 * proxy (cached outside the repository; the first build takes a few minutes and shows its progress). On
 * success the CLI's folder is put first on this process's PATH.
 */
export function ensurePulumi(): { version: string } | { missing: string } {
  const found = findPulumi();
  if ("version" in found) return found;
  const built = spawnSync("bash", [path.join(REPO_ROOT, "scripts/ensure-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bin = built.stdout?.trim().split("\n").pop();
  if (built.status !== 0 || !bin)
    return { missing: `${found.missing}, and scripts/ensure-pulumi.sh could not build one` };
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ""}`;
  return findPulumi();
}

/** How to get a CLI, for messages. */
export const HOW_TO_GET_PULUMI =
  "Install the Pulumi CLI (>= 3.139) and put it on PATH, or run `source scripts/pulumi-env.sh`, which builds one " +
  "from the Go module proxy (needs Go).";
