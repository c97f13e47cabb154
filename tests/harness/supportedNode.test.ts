/**
 * The README's commands on a machine whose own Node.js is too old (this project's kind of machine comes with
 * Node 20): `scripts/on-supported-node.sh`, which every such `npm run` script goes through, runs the command
 * with a supported Node taken from the npm registry, saying so in one line. A stand-in `node` first on PATH
 * plays the old one: it reports v20 and hands everything else to the real node (npm itself is a node script).
 */
import { expect } from "chai";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { runProcess } from "../support/runProcess";

const WRAPPER = path.join(REPO_ROOT, "scripts/on-supported-node.sh");
/** The Node line the wrapper falls back to: the one .ci/run's main run uses. */
const MAIN_NODE = /^MAIN_NODE=(\S+)$/m.exec(readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8"))![1];

describe("the README's commands on a machine with an unsupported Node.js (scripts/on-supported-node.sh)", function () {
  this.timeout(300_000);
  let oldNodeDir: string;

  before(() => {
    oldNodeDir = mkdtempSync(path.join(tmpdir(), "old-node-"));
    const stand = path.join(oldNodeDir, "node");
    writeFileSync(
      stand,
      [
        "#!/bin/sh",
        'case "$1" in',
        "  --version) echo v20.20.2 ;;",
        "  -p) echo 20 ;;",
        `  *) exec ${JSON.stringify(process.execPath)} "$@" ;;`,
        "esac",
        "",
      ].join("\n"),
    );
    chmodSync(stand, 0o755);
  });
  after(() => rmSync(oldNodeDir, { recursive: true, force: true }));

  const withOldNode = () => ({ ...process.env, PATH: `${oldNodeDir}${path.delimiter}${process.env.PATH}` });

  it("with Node 20 first on PATH: the command runs on the supported line, and one line on stderr says so", async () => {
    const run = await runProcess("bash", [WRAPPER, "node", "--version"], { env: withOldNode() });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal(`v${MAIN_NODE}`);
    expect(run.stderr).to.equal(
      `Node.js v20.20.2 on PATH is older than the supported 22: running with Node.js v${MAIN_NODE} from the npm ` +
        "registry (scripts/ensure-node.sh).\n",
    );
  });

  it("with a supported Node first on PATH: that one runs, and nothing is said", async () => {
    const env = {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    };
    const run = await runProcess("bash", [WRAPPER, "node", "--version"], { env });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal(process.version);
    expect(run.stderr).to.equal("");
  });

  it("an npm script through it still gets the arguments given after `--` (npm run emulator -- --help)", async () => {
    const run = await runProcess("npm", ["run", "--silent", "emulator", "--", "--help"], {
      cwd: REPO_ROOT,
      env: withOldNode(),
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^usage: ionos-registry-emulator \[flags\]/);
    expect(run.stderr).to.include(`running with Node.js v${MAIN_NODE} from the npm registry`);
  });

  it("every README command that runs node goes through it, passing its arguments on", () => {
    const { scripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    for (const name of ["test", "start", "emulator", "release", "bench", "test:e2e", "test:node-line"])
      expect(scripts[name], name).to.match(/^bash scripts\/on-supported-node\.sh sh -c '.+ "\$@"' \S+$/);
  });
});
