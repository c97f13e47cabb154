/**
 * A small OCI image layout written without network or Docker, so that a user working offline has something to
 * push to an emulated registry (`ionos-registry-emulator --write-image DIR`, docs/emulator.md) and the registry
 * suites have something to push and pull back.
 *
 * The layer is a one-file ustar archive written here: the format of a single regular file is a 512-byte header
 * and the padded content, and writing it keeps a tar library out of every user's install for a demo image.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";

/** A written OCI image layout. */
export interface OciImage {
  /** The layout folder (one tag: `latest`). */
  layout: string;
  /** `sha256:…` of its manifest, which a pull must bring back unchanged. */
  manifestDigest: string;
}

const BLOCK = 512;

/** A ustar archive holding one regular file `name` (mode 0644, owner 0, mtime 0: the same bytes every time). */
export function singleFileTar(name: string, content: Buffer): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(BLOCK);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, "ascii");
  const octal = (offset: number, length: number, value: number) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  header.write(name, 0, 100, "utf8");
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  field(148, 8, " ".repeat(8)); // the checksum is computed with its own field as spaces
  field(156, 1, "0");
  field(257, 8, "ustar\u000000");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding, Buffer.alloc(2 * BLOCK)]);
}

/**
 * Writes into `layout` a one-layer linux/amd64 image whose only file is `hello.txt` holding `content`: the
 * gzipped layer, a config (whose diff_id is the uncompressed layer's digest), a manifest and the index, all
 * content-addressed.
 */
export function writeOciImage(layout: string, content: string): OciImage {
  const blobs = path.join(layout, "blobs", "sha256");
  fs.mkdirSync(blobs, { recursive: true });
  const addBlob = (bytes: Buffer): { digest: string; size: number } => {
    const hex = createHash("sha256").update(bytes).digest("hex");
    fs.writeFileSync(path.join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layerTar = singleFileTar("hello.txt", Buffer.from(content));
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
