/**
 * The real registry clients for `npm start` and the registry-emulation suites: skopeo (pushes and pulls with a
 * docker `config.json` as `--authfile`) and a small OCI image built here. Without Docker Distribution or skopeo
 * the suites fail, never skip: `requireRegistryTools` first runs `scripts/ensure-registry-tools.sh` (which
 * installs both as root with apt-get) and otherwise throws its message.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import * as tar from "tar";
import { REPO_ROOT } from "./pulumiCli";

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

/** A built OCI image layout. */
export interface OciImage {
  /** The layout folder (tag `latest`). */
  layout: string;
  /** `sha256:…` of its manifest, which a pull must bring back unchanged. */
  manifestDigest: string;
}

/**
 * Builds a one-layer OCI image in `dir` whose only file holds `content`: an uncompressed tar for the config's
 * diff_id, gzipped as the layer blob, a config, a manifest and the index, all content-addressed.
 */
export function buildOciImage(dir: string, content: string): OciImage {
  const layout = path.join(dir, "layout");
  const blobs = path.join(layout, "blobs", "sha256");
  const source = path.join(dir, "source");
  fs.mkdirSync(blobs, { recursive: true });
  fs.mkdirSync(source, { recursive: true });
  fs.writeFileSync(path.join(source, "hello.txt"), content);
  const tarFile = path.join(dir, "layer.tar");
  tar.create({ sync: true, file: tarFile, cwd: source, portable: true }, ["hello.txt"]);
  const layerTar = fs.readFileSync(tarFile);
  const addBlob = (bytes: Buffer): { digest: string; size: number } => {
    const hex = createHash("sha256").update(bytes).digest("hex");
    fs.writeFileSync(path.join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layer = addBlob(gzipSync(layerTar));
  const diffId = `sha256:${createHash("sha256").update(layerTar).digest("hex")}`;
  const config = addBlob(
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [diffId] },
        config: {},
      }),
    ),
  );
  const manifest = addBlob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      }),
    ),
  );
  fs.writeFileSync(
    path.join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          annotations: { "org.opencontainers.image.ref.name": "latest" },
        },
      ],
    }),
  );
  fs.writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  return { layout, manifestDigest: manifest.digest };
}

/** The manifest digest of tag `latest` in a pulled OCI layout. */
export function pulledManifestDigest(layout: string): string {
  const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as {
    manifests: Array<{ digest: string }>;
  };
  return index.manifests[0]?.digest ?? "(none)";
}
