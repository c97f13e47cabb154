/**
 * What `npm run release` writes, read as a user and a download mirror read it: the file names the engine asks
 * for, the budgets (linux-amd64 tarball ≤ 8 MB, ≤ 25 MB installed), the checksums, the same bytes from a
 * second run, and the launcher's answers when Node.js is missing or too old.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as vm from "vm";
import { startEmulator } from "../../emulator";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { release } from "../../scripts/release";
import { PLUGIN_EXECUTABLE, PLUGIN_TARGETS, pluginTarballName } from "../../scripts/release/pluginArchive";
import { type PluginSession, startPluginSession } from "../support/pluginSession";

const MB = 1024 * 1024;
const DOWNLOAD_URL = "http://127.0.0.1:9/";

/** The files of a tarball with their sizes and modes (`tar -tv`). */
function listing(tarball: string): Array<{ name: string; size: number; mode: string }> {
  return execFileSync("tar", ["-tvzf", tarball], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .map((columns) => ({
      mode: columns[0] as string,
      size: Number(columns[2]),
      name: columns.at(-1) as string,
    }));
}

describe("npm run release: the artifacts", function () {
  this.timeout(600_000);
  let dir: string;
  let again: string;
  const file = (name: string) => path.join(dir, name);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ionos-release-a-"));
    again = mkdtempSync(path.join(tmpdir(), "ionos-release-b-"));
    await release({ pluginDownloadUrl: DOWNLOAD_URL, outDir: dir, log: () => undefined });
    await release({ pluginDownloadUrl: DOWNLOAD_URL, outDir: again, log: () => undefined });
  });
  after(() => {
    for (const d of [dir, again]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("holds every artifact the release promises, by the names installers and the engine use", () => {
    const v = PACKAGE_VERSION;
    expect(readdirSync(dir).sort()).to.deep.equal(
      [
        ...PLUGIN_TARGETS.map((target) => pluginTarballName(v, target)),
        `ionos-registry-token-${v}.tgz`,
        "schema.json",
        `pulumi_ionos_registry_token-${v}-py3-none-any.whl`,
        `pulumi_ionos_registry_token-${v}.tar.gz`,
        `ionos-registry-token-sdk-${v}.tgz`,
        `ionos-registry-token-go-sdk-v${v}.tar.gz`,
        "SHA256SUMS",
      ].sort(),
    );
    expect(JSON.parse(readFileSync(file("schema.json"), "utf8"))).to.include({
      version: v,
      pluginDownloadURL: DOWNLOAD_URL,
    });
  });

  it("two runs from the same commit write the same bytes (SHA256SUMS equal), and SHA256SUMS matches the files", () => {
    const sums = readFileSync(file("SHA256SUMS"), "utf8");
    expect(readFileSync(path.join(again, "SHA256SUMS"), "utf8")).to.equal(sums);
    const lines = sums.trim().split("\n");
    expect(lines).to.have.length(readdirSync(dir).length - 1);
    for (const line of lines) {
      const [digest, name] = line.split("  ") as [string, string];
      expect(
        createHash("sha256")
          .update(readFileSync(file(name)))
          .digest("hex"),
        name,
      ).to.equal(digest);
    }
  });

  it("plugin tarballs: the executable the engine runs at the top, the launcher and the bundle; within budget", () => {
    for (const target of PLUGIN_TARGETS) {
      const entries = listing(file(pluginTarballName(PACKAGE_VERSION, target)));
      const executable = target.os === "windows" ? `${PLUGIN_EXECUTABLE}.cmd` : PLUGIN_EXECUTABLE;
      expect(entries.map((e) => e.name).sort(), target.os).to.deep.equal(
        [executable, "launch.js", "plugin.js"].sort(),
      );
      expect(entries.find((e) => e.name === executable)?.mode).to.equal("-rwxr-xr-x");
    }
    const linux = file(pluginTarballName(PACKAGE_VERSION, { os: "linux", arch: "amd64" }));
    const installed = listing(linux).reduce((sum, e) => sum + e.size, 0);
    console.log(
      `      linux-amd64 plugin: ${statSync(linux).size} bytes packed (budget ${8 * MB}), ${installed} installed (budget ${25 * MB})`,
    );
    expect(statSync(linux).size).to.be.at.most(8 * MB);
    expect(installed).to.be.at.most(25 * MB);
  });

  it("the Windows executable is a .cmd that runs launch.js with the node on PATH, and says so when there is none", () => {
    const tarball = file(pluginTarballName(PACKAGE_VERSION, { os: "windows", arch: "amd64" }));
    const cmd = execFileSync("tar", ["-xOzf", tarball, `${PLUGIN_EXECUTABLE}.cmd`], { encoding: "utf8" });
    expect(cmd).to.include("\r\n");
    expect(cmd).to.include('node "%~dp0launch.js" %*');
    expect(cmd).to.include("where node");
    expect(cmd).to.include("Node.js 22 or later must be on PATH");
  });

  describe("the launcher", () => {
    let unpacked: string;
    before(() => {
      unpacked = mkdtempSync(path.join(tmpdir(), "ionos-plugin-"));
      execFileSync("tar", [
        "-xzf",
        file(pluginTarballName(PACKAGE_VERSION, { os: "linux", arch: "amd64" })),
        "-C",
        unpacked,
      ]);
    });
    after(() => rmSync(unpacked, { recursive: true, force: true }));

    it("without node on PATH: exits 1 and says that Node.js 22 or later is needed", () => {
      const run = spawnSync("/bin/sh", [path.join(unpacked, PLUGIN_EXECUTABLE)], {
        env: { PATH: "/nonexistent" },
        encoding: "utf8",
      });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include(
        `${PLUGIN_EXECUTABLE}: Node.js 22 or later must be on PATH, and no \`node\` was found`,
      );
    });

    it("with a Node.js older than 22: exits 1 naming the version and the executable, before loading the bundle", () => {
      const written: string[] = [];
      let exitCode: number | undefined;
      let loaded = false;
      const fakeProcess = {
        versions: { node: "20.11.1" },
        version: "v20.11.1",
        execPath: "/opt/node20/bin/node",
        stderr: { write: (text: string) => written.push(text) },
        exit: (code: number) => {
          exitCode = code;
          throw new Error("exit");
        },
      };
      const launcher = readFileSync(path.join(unpacked, "launch.js"), "utf8");
      expect(() =>
        vm.runInNewContext(launcher, {
          process: fakeProcess,
          require: () => {
            loaded = true;
          },
        }),
      ).to.throw("exit");
      expect(exitCode).to.equal(1);
      expect(loaded).to.equal(false);
      expect(written.join("")).to.equal(
        `${PLUGIN_EXECUTABLE}: needs Node.js 22 or later, but the node on PATH is v20.11.1 (/opt/node20/bin/node)\n`,
      );
    });

    it("with this Node.js: serves a create and a delete, printing nothing to stderr (no deprecation warnings)", async () => {
      const emulator = await startEmulator({
        credentials: { token: "t0ken" },
        registries: [{ name: "launch" }],
      });
      // The emulator is released even when the plugin fails to start (it exits at once on a Node.js older
      // than the launcher accepts): acquired before the `try`, it would hold the run open forever.
      let plugin: PluginSession | undefined;
      try {
        plugin = await startPluginSession(
          {},
          { executable: path.join(unpacked, PLUGIN_EXECUTABLE), captureStderr: true },
        );
        await plugin.configure({ token: "t0ken", endpoint: emulator.url });
        const created = await plugin.up("launched", {
          registryId: emulator.registries[0].id,
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
        });
        await plugin.delete("launched", created);
        expect(emulator.requests().map((r) => `${r.method} ${r.status}`)).to.deep.equal([
          "POST 201",
          "DELETE 204",
        ]);
        expect(plugin.output()).to.equal("");
      } finally {
        await plugin?.close();
        await emulator.close();
      }
    });
  });
});
