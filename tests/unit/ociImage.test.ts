import { expect } from "chai";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { singleFileTar, writeOciImage } from "../../emulator/registry/ociImage";

describe("emulator/registry/ociImage.ts: the image --write-image makes", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "ionos-oci-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("its tar is one that GNU tar lists and extracts: the file, its bytes, mode 0644", () => {
    const content = "x".repeat(700); // more than one 512-byte block
    writeFileSync(path.join(dir, "layer.tar"), singleFileTar("hello.txt", Buffer.from(content)));
    const listing = execFileSync("tar", ["-tvf", "layer.tar"], { cwd: dir, encoding: "utf8" });
    expect(listing).to.match(/^-rw-r--r-- 0\/0 +700 .* hello\.txt$/m);
    expect(execFileSync("tar", ["-xOf", "layer.tar", "hello.txt"], { cwd: dir, encoding: "utf8" })).to.equal(
      content,
    );
  });

  it("refuses a name the header cannot hold", () => {
    expect(() => singleFileTar("n".repeat(101), Buffer.from(""))).to.throw(/longer than 100 bytes/);
  });

  it("is content-addressed: the index names the manifest, the manifest the layer, the config the layer's diff_id", () => {
    const layout = path.join(dir, "image");
    const image = writeOciImage(layout, "hello\n");
    const blob = (digest: string) =>
      readFileSync(path.join(layout, "blobs/sha256", digest.slice("sha256:".length)));
    const sha = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const index = JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8")) as {
      manifests: Array<{ digest: string }>;
    };
    expect(index.manifests.map((m) => m.digest)).to.deep.equal([image.manifestDigest]);
    expect(sha(blob(image.manifestDigest))).to.equal(image.manifestDigest);
    const manifest = JSON.parse(blob(image.manifestDigest).toString()) as {
      config: { digest: string };
      layers: Array<{ digest: string; size: number }>;
    };
    const layer = blob(manifest.layers[0]!.digest);
    expect(sha(layer)).to.equal(manifest.layers[0]!.digest);
    expect(layer.length).to.equal(manifest.layers[0]!.size);
    const config = JSON.parse(blob(manifest.config.digest).toString()) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids).to.deep.equal([sha(gunzipSync(layer))]);
  });
});
