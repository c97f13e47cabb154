/**
 * Installing the packed tarball as a user does, with the npm the tests run: npm must have nothing to say about
 * this package. A lifecycle script that runs on install and names a file the package does not ship (the
 * repository's own `prepare` once did) makes npm 11 warn every user.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { runCommand } from "../../scripts/projectSandbox";
import { offlineEnv } from "../../scripts/pulumiCli";
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
});
