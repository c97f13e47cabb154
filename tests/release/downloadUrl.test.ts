/**
 * `npm run release` without `--plugin-download-url` (the README's command table shows both forms) builds SDKs
 * that cannot fetch the plugin: it says so, and says what to do, as its last line. With a URL it says nothing.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { NO_DOWNLOAD_URL_WARNING, release } from "../../scripts/release";

describe("npm run release: a release without --plugin-download-url says its SDKs cannot download the plugin", function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A release of everything but the plugin executables (not what this is about), with its log lines. */
  async function releaseLog(pluginDownloadUrl?: string): Promise<{ lines: string[]; schema: unknown }> {
    const outDir = mkdtempSync(path.join(tmpdir(), "ionos-release-url-"));
    dirs.push(outDir);
    const lines: string[] = [];
    await release({ outDir, pluginDownloadUrl, targets: [], log: (line) => lines.push(line) });
    return { lines, schema: JSON.parse(readFileSync(path.join(outDir, "schema.json"), "utf8")) };
  }

  it("without it: the schema names no download URL, and the last line warns, naming the flag and the way out", async () => {
    const { lines, schema } = await releaseLog();
    expect(schema).to.not.have.property("pluginDownloadURL");
    expect(lines.at(-1)).to.equal(NO_DOWNLOAD_URL_WARNING);
    expect(NO_DOWNLOAD_URL_WARNING).to.match(/^warning: no --plugin-download-url/);
    expect(NO_DOWNLOAD_URL_WARNING).to.include("pulumi plugin install resource ionos-registry-token");
  });

  it("with it: no warning", async () => {
    const { lines, schema } = await releaseLog("http://127.0.0.1:9/");
    expect(schema).to.include({ pluginDownloadURL: "http://127.0.0.1:9/" });
    expect(lines.filter((line) => line.startsWith("warning"))).to.deep.equal([]);
  });
});
