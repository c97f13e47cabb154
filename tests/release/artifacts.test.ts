/**
 * What `npm run release` writes, read as a user and a download mirror read it: the file names the engine asks
 * for, the checksums (that a second run writes the same bytes is the docs suite's "release-again"), and the
 * plugin executables of every platform: within the size budgets, run here where this machine can (linux-amd64 natively, linux-arm64 under QEMU), checked as files
 * where it cannot (macOS: the Mach-O and its ad-hoc signature, by an independent checker; Windows: the PE file).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { GetSchemaRequest, type GetSchemaResponse } from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { startEmulator } from "../../emulator";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { pluginSchema } from "../../provider/plugin/schema";
import { release } from "../../scripts/release";
import {
  PLUGIN_EXECUTABLE,
  PLUGIN_TARGETS,
  type PluginTarget,
  pluginTarballName,
} from "../../scripts/release/pluginArchive";
import { SEA_FUSE, SEA_NODE_VERSION, seaFileName, targetNodeBinary } from "../../scripts/release/seaExecutable";
import { type PluginSession, startPluginSession } from "../support/pluginSession";
import { PROJECT_ROOT } from "../support/providerHost";

/** Budgets per platform (issue 31): what a user downloads, and what the plugin takes on disk. */
const PACKED_BUDGET = 45_000_000;
const INSTALLED_BUDGET = 130_000_000;
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

/** What the macho-check tool (scripts/macho-check, on blacktop/go-macho) says of a Mach-O file. */
interface MachoCheck {
  arch: string;
  signed: boolean;
  valid: boolean;
  adhoc: boolean;
  identifier: string;
  codeLimit: number;
  pageSize: number;
  codeSlots: number;
  badSlots: number;
  problems: string[];
}

describe("npm run release: the artifacts", function () {
  this.timeout(900_000);
  let dir: string;
  let unpacked: string;
  const file = (name: string) => path.join(dir, name);
  /** The executable of `target`, unpacked from its tarball (once). */
  const unpack = (target: PluginTarget): string => {
    const into = path.join(unpacked, `${target.os}-${target.arch}`);
    const executable = path.join(into, seaFileName(PLUGIN_EXECUTABLE, target));
    if (!existsSync(executable)) {
      mkdirSync(into, { recursive: true });
      execFileSync("tar", ["-xzf", file(pluginTarballName(PACKAGE_VERSION, target)), "-C", into]);
    }
    return executable;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ionos-release-a-"));
    await release({ pluginDownloadUrl: DOWNLOAD_URL, outDir: dir, log: () => undefined });
    unpacked = mkdtempSync(path.join(tmpdir(), "ionos-release-unpacked-"));
  });
  after(() => {
    for (const d of [dir, unpacked]) if (d) rmSync(d, { recursive: true, force: true });
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

  // That a second run from the same commit writes the same bytes is RELEASING.md's block, run by the docs suite
  // (tests/docs/shellRecipes.ts, "release-again"): one reproducibility build in the suite, not two.
  it("SHA256SUMS lists every other artifact, with its digest", () => {
    const sums = readFileSync(file("SHA256SUMS"), "utf8");
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

  it("plugin tarballs: one file each, the executable the engine runs, mode 0755; within budget", () => {
    const rows: string[] = [];
    for (const target of PLUGIN_TARGETS) {
      const tarball = file(pluginTarballName(PACKAGE_VERSION, target));
      const entries = listing(tarball);
      expect(entries.map((e) => e.name), target.os).to.deep.equal([seaFileName(PLUGIN_EXECUTABLE, target)]);
      expect(entries[0].mode).to.equal("-rwxr-xr-x");
      rows.push(`${target.os}-${target.arch} ${statSync(tarball).size} packed, ${entries[0].size} installed`);
      expect(statSync(tarball).size, `${target.os}-${target.arch} .tar.gz`).to.be.at.most(PACKED_BUDGET);
      expect(entries[0].size, `${target.os}-${target.arch} installed`).to.be.at.most(INSTALLED_BUDGET);
    }
    console.log(`      bytes (budgets ${PACKED_BUDGET} packed, ${INSTALLED_BUDGET} installed):\n        ${rows.join("\n        ")}`);
  });

  it("every executable is the official Node.js binary of its platform with the plugin injected (SEA fuse set)", () => {
    for (const target of PLUGIN_TARGETS) {
      const executable = unpack(target);
      const bytes = readFileSync(executable);
      // Node.js looks for its blob only when this sentinel's last character is flipped from 0 to 1.
      expect(bytes.includes(`${SEA_FUSE}:1`), `${target.os}-${target.arch} fuse`).to.equal(true);
      expect(bytes.includes(`${SEA_FUSE}:0`), `${target.os}-${target.arch} fuse`).to.equal(false);
      expect(bytes.includes(`v${SEA_NODE_VERSION}`), `${target.os}-${target.arch} embeds ${SEA_NODE_VERSION}`).to.equal(
        true,
      );
    }
  });

  describe("linux-amd64: runs with no node anywhere on PATH", () => {
    it("serves a create and a delete against the emulator, printing nothing to stderr; its process is itself", async () => {
      const emulator = await startEmulator({ credentials: { token: "t0ken" }, registries: [{ name: "sea" }] });
      let plugin: PluginSession | undefined;
      try {
        const executable = unpack({ os: "linux", arch: "amd64" });
        plugin = await startPluginSession(
          { PATH: "/nonexistent" },
          { executable, captureStderr: true },
        );
        // The process the engine would talk to is the executable, not a node found on some PATH.
        expect(readlinkSync(`/proc/${plugin.child.pid}/exe`)).to.equal(executable);
        await plugin.configure({ token: "t0ken", endpoint: emulator.url });
        const created = await plugin.up("sea", {
          registryId: emulator.registries[0].id,
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
        });
        await plugin.delete("sea", created);
        expect(emulator.requests().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 201", "DELETE 204"]);
        // No deprecation warning from the bundled node-fetch dependencies, no SEA warning.
        expect(plugin.output()).to.equal("");
      } finally {
        await plugin?.close();
        await emulator.close();
      }
    });
  });

  describe("linux-arm64: runs under QEMU's user-mode emulation", () => {
    let runner: string[];
    before(() => {
      const [qemu, sysroot] = execFileSync("bash", ["scripts/ensure-arm64-emulation.sh"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      })
        .trim()
        .split("\n")
        .slice(-2) as [string, string];
      runner = [qemu, "-L", sysroot];
    });

    it("is an aarch64 ELF that answers GetPluginInfo and GetSchema, then serves a create and a delete", async () => {
      const executable = unpack({ os: "linux", arch: "arm64" });
      expect(execFileSync("llvm-readobj", ["--file-headers", executable], { encoding: "utf8" })).to.match(
        /Machine: EM_AARCH64/,
      );
      const emulator = await startEmulator({ credentials: { token: "t0ken" }, registries: [{ name: "arm" }] });
      let plugin: PluginSession | undefined;
      try {
        plugin = await startPluginSession({ PATH: "/nonexistent" }, { executable, runner, captureStderr: true });
        const info = await plugin.call<PluginInfo>("getPluginInfo", new Empty());
        expect(info.getVersion()).to.equal(PACKAGE_VERSION);
        const schema = await plugin.call<GetSchemaResponse>("getSchema", new GetSchemaRequest());
        expect(JSON.parse(schema.getSchema())).to.deep.equal(JSON.parse(pluginSchema()));
        await plugin.configure({ token: "t0ken", endpoint: emulator.url });
        const created = await plugin.up("arm", {
          registryId: emulator.registries[0].id,
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
        });
        await plugin.delete("arm", created);
        expect(emulator.requests().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 201", "DELETE 204"]);
        expect(plugin.output()).to.equal("");
      } finally {
        await plugin?.close();
        await emulator.close();
      }
    });
  });

  describe("macOS: Mach-O executables with a valid ad-hoc signature (checked, not run: no Mac here)", () => {
    let check: (file: string) => MachoCheck;
    before(() => {
      const checker = execFileSync("bash", ["scripts/ensure-macho-check.sh"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      })
        .trim()
        .split("\n")
        .pop() as string;
      check = (f) => JSON.parse(execFileSync(checker, [f], { encoding: "utf8" })) as MachoCheck;
    });

    for (const [arch, cpu] of [
      ["amd64", "x86_64"],
      ["arm64", "arm64"],
    ] as const) {
      it(`darwin-${arch}: a ${cpu} executable holding the blob, every page hash right, signed ad hoc`, () => {
        const executable = unpack({ os: "darwin", arch });
        const headers = execFileSync("llvm-objdump", ["--macho", "--private-headers", executable], {
          encoding: "utf8",
        });
        expect(headers).to.match(/segname NODE_SEA\b/);
        expect(headers).to.match(/sectname __NODE_SEA_BLOB\b/);
        const result = check(executable);
        expect(result.problems).to.deep.equal([]);
        expect(result).to.include({
          arch: cpu,
          signed: true,
          valid: true,
          adhoc: true,
          identifier: PLUGIN_EXECUTABLE,
          badSlots: 0,
        });
        expect(result.codeSlots).to.equal(Math.ceil(result.codeLimit / result.pageSize));
      });
    }

    it("the checker is honest: Apple's signature on the official binary passes, one changed byte fails", () => {
      const official = targetNodeBinary("darwin", "arm64");
      expect(check(official)).to.include({ signed: true, valid: true, badSlots: 0 });
      const tampered = path.join(dir, "..", `tampered-${path.basename(dir)}`);
      const bytes = readFileSync(unpack({ os: "darwin", arch: "arm64" }));
      bytes[0x10000] ^= 0xff;
      writeFileSync(tampered, bytes);
      try {
        expect(check(tampered)).to.include({ signed: true, valid: false, badSlots: 1 });
      } finally {
        rmSync(tampered, { force: true });
      }
    });
  });

  it("windows-amd64: a PE32+ x86-64 console executable holding the blob as the NODE_SEA_BLOB resource, unsigned", () => {
    const executable = unpack({ os: "windows", arch: "amd64" });
    const headers = execFileSync("llvm-readobj", ["--file-headers", executable], { encoding: "utf8" });
    expect(headers).to.match(/Machine: IMAGE_FILE_MACHINE_AMD64/);
    expect(headers).to.match(/Magic: 0x20B/); // PE32+
    expect(headers).to.match(/Subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI/);
    // Unsigned, not carrying the official node.exe's signature over bytes it no longer matches.
    expect(headers).to.match(/CertificateTableRVA: 0x0\n/);
    expect(headers).to.match(/CertificateTableSize: 0x0\n/);
    const official = execFileSync("llvm-readobj", ["--file-headers", targetNodeBinary("windows", "amd64")], {
      encoding: "utf8",
    });
    expect(official).to.not.match(/CertificateTableSize: 0x0\n/);
    // The listing dumps every resource's bytes (the blob is megabytes): only the names matter here.
    const resourceNames = execFileSync(
      "sh",
      ["-c", 'llvm-readobj --coff-resources "$1" | grep -E "^ *Name: "', "sh", executable],
      { encoding: "utf8" },
    );
    expect(resourceNames).to.match(/Name: NODE_SEA_BLOB/);
  });
});
