/**
 * The real registry clients for `npm start` and the registry-emulation suites: skopeo (pushes and pulls with a
 * docker `config.json` as `--authfile`) and a small OCI image built here. Without Docker Distribution or skopeo
 * the suites fail, never skip: `requireRegistryTools` first runs `scripts/ensure-registry-tools.sh` (which
 * installs both as root with apt-get) and otherwise throws its message.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeOciImage, type OciImage } from "../emulator/registry/ociImage";
import { REPO_ROOT } from "./pulumiCli";

export type { OciImage };

/**
 * Makes sure the registry server and skopeo are on PATH (installing them where the script can).
 * @throws Error with the install instructions when they cannot be had
 */
export function requireRegistryTools(): void {
  try {
    execFileSync(path.join(REPO_ROOT, "scripts/ensure-registry-tools.sh"), {
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`no registry tools for the registry-emulation tests:\n${stderr}`);
  }
}

/** The outcome of one skopeo run. */
export interface SkopeoResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs skopeo with a permissive signature policy (the test images are unsigned). */
export function skopeo(args: readonly string[]): Promise<SkopeoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("skopeo", ["--insecure-policy", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Pushes the OCI layout `layout` (tag `latest`) to `docker://<ref>` over plain HTTP with `authFile`. */
export function push(layout: string, ref: string, authFile: string): Promise<SkopeoResult> {
  return skopeo([
    "copy",
    "--dest-tls-verify=false",
    "--dest-authfile",
    authFile,
    `oci:${layout}:latest`,
    `docker://${ref}`,
  ]);
}

/** Pulls `docker://<ref>` into a fresh OCI layout `into` (tag `latest`) with `authFile`. */
export function pull(ref: string, into: string, authFile: string): Promise<SkopeoResult> {
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(into), { recursive: true });
  return skopeo([
    "copy",
    "--src-tls-verify=false",
    "--src-authfile",
    authFile,
    `docker://${ref}`,
    `oci:${into}:latest`,
  ]);
}

/** Writes a docker `config.json` with one login and returns its path. */
export function writeAuthFile(file: string, host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  fs.writeFileSync(file, JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
  return file;
}

/**
 * Builds a one-layer OCI image in `dir` (its `layout` folder) whose only file holds `content`: the image
 * `ionos-registry-emulator --write-image` writes, so the suites push what the docs tell users to push.
 */
export function buildOciImage(dir: string, content: string): OciImage {
  return writeOciImage(path.join(dir, "layout"), content);
}

/** The manifest digest of tag `latest` in a pulled OCI layout. */
export function pulledManifestDigest(layout: string): string {
  const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as {
    manifests: Array<{ digest: string }>;
  };
  return index.manifests[0]?.digest ?? "(none)";
}
