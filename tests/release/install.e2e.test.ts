/**
 * Installing the provider the way users install any Pulumi provider, from the release artifacts only: `npm run
 * release` output (made here with a pluginDownloadURL pointing at a loopback server that serves it), each user
 * with a fresh PULUMI_HOME, the real CLI, and the emulator. Nothing comes from this checkout but `release/`.
 *
 * - `pulumi plugin install --file <tarball>`, then a YAML program with no `plugins.providers`;
 * - a Python program (Automation API, inline) with only the wheel installed: the engine downloads the plugin;
 * - a TypeScript program with only the Node.js SDK tarball and `@pulumi/pulumi`: the engine downloads it too.
 *
 * The YAML and Python users have no Node.js: the engine and the program run with a PATH that holds only a folder
 * linking `pulumi` (no system folders: this machine's /usr/bin has a node). The TypeScript program needs node,
 * so its PATH starts with a `node` that logs every command line it runs: the plugin must never be one of them.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import { execFileSync } from "child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PLUGIN_TOKEN_TYPE, PYTHON_SDK_PACKAGE } from "../../provider/plugin/schema";
import { SIG_KEY } from "../../provider/plugin/wire";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { createProjectSandbox, runCommand, type ProjectSandbox } from "../../scripts/projectSandbox";
import { pluginTarballName } from "../../scripts/release/pluginArchive";
import { apiWrites } from "../support/apiWrites";
import type { FileServer } from "../support/fileServer";
import { pipInstallSdk, pythonVenv, yamlLanguageHostDir } from "../support/generatedSdk";
import { requirePulumi } from "../support/pulumiCli";
import { pathWithoutNode, RUN_STEP_PRINT_OUTPUTS, servedRelease, type ServedRelease } from "../support/servedRelease";
import { NEWEST_SDK, pulumiYaml, TEMPLATE_TSCONFIG } from "../support/userProject";

const API_TOKEN = `release-${randomBytes(12).toString("hex")}`;
/** The tarball this machine's engine asks for. */
const LINUX_TARBALL = pluginTarballName(PACKAGE_VERSION, { os: "linux", arch: "amd64" });
/** Where the engine installs the plugin in PULUMI_HOME. */
const INSTALLED_PLUGIN = `resource-ionos-registry-token-v${PACKAGE_VERSION}`;
/** What the engine runs: the self-contained executable, the only file of the installed plugin. */
const PLUGIN_FILE = "pulumi-resource-ionos-registry-token";

/**
 * A folder whose `node` appends each command line it runs to `log`, then runs the real node: the TypeScript
 * program needs Node.js, and the log shows whether anything else (the plugin) ran on it.
 */
function loggingNode(parent: string, log: string): string {
  const dir = path.join(parent, "bin-logging-node");
  mkdirSync(dir);
  const node = execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).trim();
  writeFileSync(
    path.join(dir, "node"),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realpathSync(node)}' "$@"\n`,
  );
  chmodSync(path.join(dir, "node"), 0o755);
  return dir;
}

interface StackState {
  deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> };
}

describe("installing from the release artifacts only (fresh PULUMI_HOME, real CLI, emulator)", function () {
  this.timeout(1_800_000);
  let served: ServedRelease | undefined;
  let releaseDir: string;
  let server: FileServer;
  let emulator: RunningEmulator;
  const registryId = () => emulator.registries[0].id;
  const live = () => emulator.admin.listTokens(registryId());
  const artifact = (name: string) => path.join(releaseDir, name);
  /** The API's address and token, from the environment: read at run time, never stored. */
  const apiEnv = () => ({ IONOS_API_URL: emulator.url, IONOS_TOKEN: API_TOKEN });
  /** The engine may download plugins it lacks (the sandbox's offline environment forbids it). */
  const DOWNLOADS_ON = { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" };
  const pluginDownloads = () => server.requests().filter((r) => r.includes("pulumi-resource-"));

  /** The stored token's password: ciphertext only. */
  function expectSealedPassword(exported: string): void {
    const token = (JSON.parse(exported) as StackState).deployment.resources.find(
      (r) => r.type === PLUGIN_TOKEN_TYPE,
    );
    expect(token?.outputs?.password).to.have.keys(SIG_KEY, "ciphertext");
  }

  /**
   * `pulumi up` of a project whose program declares one token, then what the user checks: one POST, the outputs
   * (`tokenId`, the password as `[secret]`), ciphertext in the state; then `pulumi destroy`, one DELETE.
   * `afterUp` runs between the two.
   */
  async function upThenDestroy(project: ProjectSandbox, env: Record<string, string>, afterUp: () => void) {
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"], { env });
    afterUp();
    expect(apiWrites(emulator)).to.deep.equal(["POST 201"]);
    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout) as unknown;
    expect(outputs).to.deep.equal({ tokenId: live()[0].id, password: "[secret]" });
    expectSealedPassword((await project.pulumi(["stack", "export"])).stdout);
    emulator.clearRequests();
    await project.pulumi(["destroy", "--yes"], { env });
    expect(apiWrites(emulator)).to.deep.equal(["DELETE 204"]);
    expect(live()).to.deep.equal([]);
  }

  before(async () => {
    requirePulumi();
    served = await servedRelease();
    releaseDir = served.dir;
    server = served.server;
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "release" }] });
  });
  after(async () => {
    await emulator?.close();
    await served?.close();
  });

  describe("pulumi plugin install --file, then a YAML program with no plugins.providers", () => {
    let project: ProjectSandbox;
    before(async () => {
      project = createProjectSandbox("release-yaml", { files: [], links: [] });
      // Only the language host is named: Pulumi YAML's is not part of the CLI built here.
      writeFileSync(
        path.join(project.projectDir, "Pulumi.yaml"),
        `name: release-yaml
runtime: yaml
plugins:
  languages:
    - name: yaml
      path: ${yamlLanguageHostDir()}
config:
  registryId:
    type: string
resources:
  pull:
    type: ${PLUGIN_TOKEN_TYPE}
    properties:
      registryId: \${registryId}
      scopes:
        - name: app
          type: repository
          actions: [pull]
outputs:
  tokenId: \${pull.tokenId}
  password: \${pull.password}
`,
      );
    });
    after(() => project?.dispose());

    it("installs the linux-amd64 tarball into the fresh PULUMI_HOME", async () => {
      const home = project.env.PULUMI_HOME;
      expect(readdirSync(home)).to.deep.equal([]);
      await project.pulumi([
        "plugin",
        "install",
        "resource",
        "ionos-registry-token",
        `v${PACKAGE_VERSION}`,
        "--file",
        artifact(LINUX_TARBALL),
      ]);
      const installed = path.join(home, "plugins", INSTALLED_PLUGIN);
      expect(readdirSync(installed).filter((f) => !f.startsWith("."))).to.deep.equal([PLUGIN_FILE]);
    });

    it("up creates the token (the password a secret output, ciphertext in the state); destroy deletes it", async () => {
      await project.pulumi(["stack", "init", "dev"]);
      await project.pulumi(["config", "set", "registryId", registryId()]);
      // Automatic plugin downloads stay off here: the installed plugin is what runs.
      await upThenDestroy(project, { ...apiEnv(), PATH: pathWithoutNode(path.dirname(project.projectDir)) }, () => undefined);
      expect(pluginDownloads()).to.deep.equal([]);
    });
  });

  describe("Python: only the wheel installed; the engine downloads the plugin from the pluginDownloadURL", () => {
    let work: string;
    let env: Record<string, string>;
    const DRIVER = `
import json, os, sys
import pulumi
from pulumi import automation as auto
import ${PYTHON_SDK_PACKAGE} as ionos

def program():
    token = ionos.RegistryToken(
        "pull",
        registry_id=os.environ["REGISTRY_ID"],
        scopes=[ionos.ScopeArgs(name="app", type=ionos.ScopeType.REPOSITORY, actions=[ionos.ScopeAction.PULL])],
    )
    pulumi.export("tokenId", token.token_id)
    pulumi.export("password", token.password)

stack = auto.create_or_select_stack(
    stack_name="dev",
    project_name="wheel-only",
    program=program,
    opts=auto.LocalWorkspaceOptions(
        work_dir=os.environ["WORK_DIR"],
        secrets_provider="passphrase",
        project_settings=auto.ProjectSettings(name="wheel-only", runtime="python"),
    ),
)
${RUN_STEP_PRINT_OUTPUTS}`;

    before(async () => {
      const sandbox = createProjectSandbox("release-python", { files: [], links: [] });
      work = sandbox.projectDir;
      const venv = pythonVenv();
      const sitePackages = path.join(work, "site-packages");
      const wheel = readdirSync(releaseDir).find((f) => f.endsWith(".whl"));
      expect(wheel, "the release has a wheel").to.be.a("string");
      await pipInstallSdk(venv, artifact(wheel as string), sitePackages);
      writeFileSync(path.join(work, "driver.py"), DRIVER);
      env = {
        ...sandbox.env,
        ...DOWNLOADS_ON,
        ...apiEnv(),
        PYTHONPATH: sitePackages,
        // The Automation API runs the `pulumi` it finds on PATH; there is no node anywhere on it.
        PATH: pathWithoutNode(path.dirname(work)),
        REGISTRY_ID: registryId(),
        WORK_DIR: work,
      };
    });

    const driver = async (step: string) => {
      const { stdout } = await runCommand(
        path.join(pythonVenv(), "bin", "python"),
        [path.join(work, "driver.py"), step],
        {
          cwd: work,
          env,
        },
      );
      return JSON.parse(stdout.trim().split("\n").pop() as string) as Record<
        string,
        { value: unknown; secret: boolean }
      >;
    };

    it("up downloads the plugin, creates the token with a secret password; destroy deletes it", async () => {
      emulator.clearRequests();
      const outputs = await driver("up");
      expect(pluginDownloads()).to.include(`GET /${LINUX_TARBALL} 200`);
      expect(readdirSync(path.join(env.PULUMI_HOME, "plugins", INSTALLED_PLUGIN)).filter((f) => !f.startsWith("."))).to.deep.equal([PLUGIN_FILE]);
      expect(apiWrites(emulator)).to.deep.equal(["POST 201"]);
      expect(outputs.tokenId).to.deep.equal({ value: live()[0].id, secret: false });
      expect(outputs.password.secret).to.equal(true);
      emulator.clearRequests();
      await driver("destroy");
      expect(apiWrites(emulator)).to.deep.equal(["DELETE 204"]);
      expect(live()).to.deep.equal([]);
    });
  });

  describe("TypeScript: only the Node.js SDK tarball and @pulumi/pulumi; the engine downloads the plugin", () => {
    let project: ProjectSandbox;
    const sdkTarball = `ionos-registry-token-sdk-${PACKAGE_VERSION}.tgz`;

    before(async () => {
      project = createProjectSandbox("release-ts", { files: [], links: [] });
      const dir = project.projectDir;
      writeFileSync(path.join(dir, "Pulumi.yaml"), pulumiYaml("release-ts"));
      writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({
          name: "release-ts",
          main: "index.ts",
          devDependencies: { "@types/node": "^22", typescript: "^5.0.0" },
        }),
      );
      writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
      writeFileSync(
        path.join(dir, "index.ts"),
        `import * as pulumi from "@pulumi/pulumi";
import * as ionos from "ionos-registry-token-sdk";

const config = new pulumi.Config();
const token = new ionos.RegistryToken("pull", {
  registryId: config.require("registryId"),
  scopes: [{ name: "app", type: ionos.ScopeType.Repository, actions: [ionos.ScopeAction.Pull] }],
});
export const tokenId = token.tokenId;
export const password = token.password;
`,
      );
      await runCommand(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", artifact(sdkTarball), NEWEST_SDK],
        { cwd: dir, env: project.env },
      );
      await project.pulumi(["stack", "init", "dev"]);
      await project.pulumi(["config", "set", "registryId", registryId()]);
    });
    after(() => project?.dispose());

    it("the installed SDK is compiled JavaScript that names the release's download URL", () => {
      const installed = path.join(project.projectDir, "node_modules", "ionos-registry-token-sdk");
      expect(existsSync(path.join(installed, "index.js"))).to.equal(true);
      const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as {
        pulumi: Record<string, unknown>;
      };
      expect(manifest.pulumi).to.deep.equal({
        resource: true,
        name: "ionos-registry-token",
        version: PACKAGE_VERSION,
        server: server.url,
      });
      expect(readdirSync(installed).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).to.deep.equal(
        [],
      );
    });

    it("up downloads the plugin, creates the token with a secret password; destroy deletes it", async () => {
      const before = pluginDownloads().length;
      const nodeLog = path.join(path.dirname(project.projectDir), "node-commands.log");
      const PATH = `${loggingNode(path.dirname(project.projectDir), nodeLog)}:${project.env.PATH}`;
      await upThenDestroy(project, { ...DOWNLOADS_ON, ...apiEnv(), PATH }, () => {
        expect(pluginDownloads().slice(before)).to.include(`GET /${LINUX_TARBALL} 200`);
        const installed = path.join(project.env.PULUMI_HOME, "plugins", INSTALLED_PLUGIN);
        expect(readdirSync(installed).filter((f) => !f.startsWith("."))).to.deep.equal([PLUGIN_FILE]);
      });
      // The program ran on that node (the log is not empty); the plugin never did.
      const commands = readFileSync(nodeLog, "utf8").trim().split("\n");
      expect(commands.length).to.be.greaterThan(0);
      expect(commands.filter((line) => line.includes(INSTALLED_PLUGIN) || line.includes(PLUGIN_FILE))).to.deep.equal(
        [],
      );
    });
  });
});
