/**
 * Installing the packed tarball as a user does, with the npm the tests run: npm must have nothing to say about
 * this package. A lifecycle script that runs on install and names a file the package does not ship (the
 * repository's own `prepare` once did) makes npm 11 warn every user.
 */
import { expect } from "chai";
import { execFileSync, spawn } from "child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { createInterface } from "readline";
import { startEmulator } from "../../emulator";
import { PLUGIN_REGISTRY_TOKEN_TYPE } from "../../provider/cli/resourceTypes";
import { runCommand } from "../../scripts/projectSandbox";
import { offlineEnv, REPO_ROOT } from "../../scripts/pulumiCli";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { NEWEST_SDK, packedTarball } from "../support/userProject";

/**
 * The scripts npm runs on the package's own behalf when a user installs it (npm's docs, "Life Cycle Scripts":
 * `npm install` of a dependency; `prepare` too when it comes from git or a folder). `prepack` and `postpack`
 * run only where `npm pack` runs, in a checkout that has every file.
 */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare"];

describe("npm install of the packed tarball: nothing to warn about", function () {
  this.timeout(300_000);
  let dir: string;
  let tarball: string;

  before(() => {
    tarball = packedTarball();
    dir = mkdtempSync(path.join(tmpdir(), "ionos-install-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("ships no script that npm runs on install", () => {
    const manifest = JSON.parse(
      execFileSync("tar", ["-xOzf", tarball, "package/package.json"], { encoding: "utf8" }),
    ) as { scripts?: Record<string, string> };
    const scripts = Object.keys(manifest.scripts ?? {});
    expect(scripts.filter((name) => INSTALL_SCRIPTS.includes(name))).to.deep.equal([]);
  });

  it("installs with no npm warning or error that names the package", async () => {
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "user", version: "1.0.0" }));
    const { stdout, stderr } = await runCommand(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, NEWEST_SDK],
      { cwd: dir, env: offlineEnv() },
    );
    const printed = `${stdout}\n${stderr}`.split("\n");
    // Warnings about other packages (protobufjs, a dependency of @pulumi/pulumi, has a postinstall) are theirs.
    const ours = printed.filter(
      (line) => /\b(warn|ERR)/i.test(line) && line.includes("ionos-registry-token"),
    );
    expect(ours, printed.join("\n")).to.deep.equal([]);
    expect(printed.join("\n")).to.match(/added \d+ packages/);
  });

  it("the installed command runs `pending` (as a plugin-only user runs it, from the package's bin)", async () => {
    const emulator = await startEmulator({
      credentials: { token: "install-token" },
      registries: [{ name: "inst" }],
    });
    try {
      const registryId = emulator.registries[0].id;
      const api = new EmulatorApi(emulator.url, bearerAuth("install-token"));
      const orphan = (await api.createToken(registryId, { name: "lost-bbbbbbbb" })).json.id as string;
      const type = PLUGIN_REGISTRY_TOKEN_TYPE;
      const state = path.join(dir, "stack.json");
      const inputs = { registryId, name: "lost-bbbbbbbb", namePrefix: "lost", status: "enabled", scopes: [] };
      const pending = [
        { type: "creating", resource: { urn: `urn:pulumi:dev::p::${type}::lost`, type, inputs } },
      ];
      writeFileSync(
        state,
        JSON.stringify({ version: 3, deployment: { resources: [], pending_operations: pending } }),
      );
      const command = path.join(dir, "node_modules/.bin/ionos-registry-token");
      const args = ["pending", "--state", state, "--since", "2000-01-01T00:00:00Z", "--delete", "--json"];
      const { stdout } = await runCommand(command, args, {
        cwd: dir,
        env: { ...offlineEnv(), IONOS_TOKEN: "install-token", IONOS_API_URL: emulator.url },
      });
      expect((JSON.parse(stdout) as { deleted: string[] }).deleted).to.deep.equal([
        `${registryId}/${orphan}`,
      ]);
      expect(emulator.admin.listTokens(registryId)).to.deep.equal([]);
    } finally {
      await emulator.close();
    }
  });

  it("the README's emulator command starts the emulator from a folder holding only the tarball", async () => {
    // The command exactly as README.md and docs/installation-configuration.md print it.
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8").replace(/\s*\n\s*/g, " ");
    const shown =
      /`(npx --yes --package \.\/ionos-registry-token-[\d.]+\.tgz ionos-registry-emulator [^`]+)`/.exec(
        readme,
      )?.[1];
    expect(shown, "README.md shows the npx command").to.equal(
      `npx --yes --package ./${path.basename(tarball)} ionos-registry-emulator --token dev-token`,
    );
    const folder = mkdtempSync(path.join(tmpdir(), "ionos-npx-"));
    copyFileSync(tarball, path.join(folder, path.basename(tarball)));
    const [command, ...args] = (shown as string).split(" ");
    // Its own process group, so that the emulator npx started ends with it.
    const child = spawn(command as string, args, {
      cwd: folder,
      env: offlineEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 120 s: ${stderr}`)), 120_000);
        createInterface({ input: child.stdout }).once("line", (first) => {
          clearTimeout(timer);
          resolve(first);
        });
        child.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`npx exited with ${code}: ${stderr}`));
        });
      });
      const { url } = JSON.parse(line) as { url: string };
      const answer = await fetch(`${url}/registries`, { headers: { Authorization: "Bearer dev-token" } });
      expect(answer.status).to.equal(200);
    } finally {
      try {
        process.kill(-(child.pid as number), "SIGTERM");
      } catch {
        // Already gone.
      }
      await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
