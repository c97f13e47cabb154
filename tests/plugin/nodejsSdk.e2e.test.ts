import { expect } from "chai";
import { randomBytes } from "crypto";
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { SIG_KEY } from "../../provider/plugin/wire";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { NODEJS_SDK_PACKAGE, PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { createProjectSandbox, runCommand, type ProjectSandbox } from "../../scripts/projectSandbox";
import { generateSdk, writePluginSchema } from "../support/generatedSdk";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { startPasswordWitness, type PasswordWitness } from "../support/passwordWitness";
import { requirePulumi } from "../support/pulumiCli";
import { NEWEST_SDK, packedTarball, pulumiYaml, TEMPLATE_TSCONFIG } from "../support/userProject";
import { apiWrites } from "../support/apiWrites";

const API_TOKEN = `node-sdk-${randomBytes(12).toString("hex")}`;
const TYPE = PLUGIN_TOKEN_TYPE;
/** The generated package's npm name (the schema's `language.nodejs.packageName`). */
const SDK_PACKAGE = NODEJS_SDK_PACKAGE;
/** Where the SDK goes in the project, and its dependency spec, as `pulumi package add` lays them out. */
const SDK_DIR = "sdks/ionos-registry-token";
const SDK_SPEC = `file:${SDK_DIR}`;

/** The user's program: only the generated SDK, no dynamic provider. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as ionos from "${SDK_PACKAGE}";

const config = new pulumi.Config();
const token = new ionos.RegistryToken("pull", {
  registryId: config.require("registryId"),
  status: ionos.TokenStatus.Enabled,
  scopes: [{ name: "*", type: ionos.ScopeType.Repository, actions: [ionos.ScopeAction.Pull] }],
});
// A generated function, an invoke served by the plugin.
const found = ionos.getRegistryTokensOutput({ registryId: token.registryId, namePrefix: token.name });

export const name = token.name;
export const tokenId = token.tokenId;
export const status = token.status;
export const password = token.password;
export const foundIds = found.tokens.apply((tokens) => tokens.map((t) => t.tokenId));
`;

/** Where the plugin is once the package's tarball is installed, relative to the project (as the README says). */
const INSTALLED_PLUGIN_DIR = "./node_modules/ionos-registry-token/bin";

/** Pulumi.yaml of `pulumi new typescript`, plus the installed plugin's folder (as for a Pulumi YAML program). */
function projectYaml(): string {
  return `${pulumiYaml("node-sdk-tokens")}plugins:
  providers:
    - name: ionos-registry-token
      path: ${INSTALLED_PLUGIN_DIR}
`;
}

interface State {
  deployment: {
    resources: Array<{
      type: string;
      urn: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }>;
  };
}

describe("plugin mode: a TypeScript project uses the Node.js SDK generated from the schema (real CLI)", function () {
  this.timeout(1_200_000);
  let emulator: RunningEmulator;
  let tap: PasswordWitness;
  let project: ProjectSandbox;
  /** Everything `pulumi` printed (without --show-secrets), checked for warnings. */
  const printed: string[] = [];

  before(async function () {
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "nodesdk" }] });
    tap = await startPasswordWitness(emulator.url);
    project = createProjectSandbox("node-sdk", { files: [], links: [] });
    const dir = project.projectDir;
    writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml());
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify(
        {
          name: "node-sdk-tokens",
          main: "index.ts",
          devDependencies: { "@types/node": "^22", typescript: "^5.0.0" },
          allowScripts: { [SDK_SPEC]: true },
        },
        null,
        2,
      ),
    );
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
    writeFileSync(path.join(dir, "index.ts"), PROGRAM);
    const npmInstall = (...args: string[]) =>
      runCommand("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...args], {
        cwd: dir,
        env: project.env,
      });
    // The plugin comes with the package, from its tarball; the SDK is generated from what that plugin serves.
    await npmInstall(NEWEST_SDK, packedTarball());
    const plugin = path.join(dir, INSTALLED_PLUGIN_DIR, "pulumi-resource-ionos-registry-token");
    const schema = await writePluginSchema(path.dirname(dir), project.env.PULUMI_HOME, plugin);
    // What `pulumi package add <plugin>` does for a Node.js project: a local SDK in sdks/, a `file:` dependency
    // on it, allowed to run its postinstall (which compiles it: npm 12 skips scripts not in allowScripts).
    await generateSdk({ schema, language: "nodejs", local: true, out: path.join(dir, SDK_DIR) });
    await npmInstall(SDK_SPEC);
    await project.pulumi(["stack", "init", "dev"]);
    await project.pulumi(["config", "set", "registryId", registryId()]);
    await project.pulumi(["config", "set", "ionos-registry-token:endpoint", tap.url]);
    await project.pulumi(["config", "set", "--secret", "ionos-registry-token:token"], { input: API_TOKEN });
  });
  after(async () => {
    project?.dispose();
    await tap?.close();
    await emulator?.close();
  });

  const registryId = () => emulator.registries[0].id;
  const live = () => emulator.admin.listTokens(registryId());
  const writes = () => apiWrites(emulator);
  async function pulumi(args: string[]) {
    const run = await project.pulumi(args);
    if (!args.includes("--show-secrets")) printed.push(run.stdout + run.stderr);
    return run;
  }
  const outputs = async (showSecrets = false) =>
    JSON.parse(
      (await pulumi(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])])).stdout,
    ) as Record<string, unknown>;
  const exportState = async () => (await pulumi(["stack", "export"])).stdout;
  const resourceOf = (state: string, type: string) =>
    (JSON.parse(state) as State).deployment.resources.find((r) => r.type === type);

  let password: string;

  it("installs the generated SDK as a compiled package beside the package that brings the plugin", () => {
    const installed = path.join(project.projectDir, "node_modules", SDK_PACKAGE);
    const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as {
      version: string;
      main: string;
      pulumi: { name: string; version: string };
    };
    // The schema's version, which is also the plugin's: the SDK asks the engine for exactly this plugin.
    expect(manifest.version).to.equal(PACKAGE_VERSION);
    expect(manifest.pulumi).to.include({ name: "ionos-registry-token", version: PACKAGE_VERSION });
    // Compiled by its postinstall, with the package.json its getVersion() reads beside the code.
    expect(existsSync(path.join(installed, manifest.main))).to.equal(true);
    expect(existsSync(path.join(installed, "bin", "package.json"))).to.equal(true);
    const dependencies = (
      JSON.parse(readFileSync(path.join(project.projectDir, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies;
    expect(dependencies[SDK_PACKAGE]).to.equal(SDK_SPEC);
    expect(dependencies["ionos-registry-token"]).to.match(/^file:.*ionos-registry-token-[\d.]+\.tgz$/);
    expect(dependencies["ionos-registry-token"]).to.include(`-${PACKAGE_VERSION}.tgz`);
  });

  it("type-checks with tsc --noEmit and the template's tsconfig (no skipLibCheck): the SDK's and the package's declarations", async () => {
    // Rejects, printing tsc's errors, when a declaration of either package fails in the user's project.
    const { stdout, stderr } = await runCommand("npx", ["--no-install", "tsc", "--noEmit"], {
      cwd: project.projectDir,
      env: project.env,
    });
    expect(`${stdout}${stderr}`.trim()).to.equal("");
  });

  it("up creates the token with one POST; the password is a secret output; the state holds it only as ciphertext", async () => {
    emulator.clearRequests();
    await pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["POST 201"]);
    const [token] = live();
    expect(tap.passwords()).to.have.length(1);
    password = tap.passwords()[0];
    expect(await outputs()).to.deep.equal({
      name: token.properties.name,
      tokenId: token.id,
      status: "enabled",
      password: "[secret]",
      foundIds: [token.id],
    });
    expect((await outputs(true)).password).to.equal(password);

    const state = await exportState();
    // A custom resource of the plugin (not a dynamic one), through the default provider of the package's version.
    expect(resourceOf(state, "pulumi-nodejs:dynamic:Resource")).to.equal(undefined);
    expect(resourceOf(state, "pulumi:providers:ionos-registry-token")?.inputs?.version).to.equal(
      PACKAGE_VERSION,
    );
    const stored = resourceOf(state, TYPE);
    expect(stored?.outputs?.password).to.have.keys(SIG_KEY, "ciphertext");
    // What the README and the bench say a plugin token costs in the state (inputs + outputs, no provider code):
    // under 1 KiB, against some 8.8 kB for a dynamic one.
    expect(JSON.stringify({ inputs: stored?.inputs, outputs: stored?.outputs }).length).to.be.below(1024);
    const scanner = new LeakScanner()
      .addSecret("token password", password)
      .addSecret("API token", API_TOKEN)
      .addArtifact("stack export", state)
      .addArtifact("Pulumi.dev.yaml", readFileSync(path.join(project.projectDir, "Pulumi.dev.yaml"), "utf8"));
    const leaks = scanner.scan();
    expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
    // The scan can see the password: decrypted, the same state shows it.
    const shown = (await project.pulumi(["stack", "export", "--show-secrets"])).stdout;
    expect(
      new LeakScanner().addSecret("token password", password).addArtifact("shown", shown).scan(),
    ).to.not.deep.equal([]);
  });

  it("refresh records a second actor's change; the next up restores it with one PATCH, the password kept", async () => {
    emulator.admin.patchToken(registryId(), live()[0].id, { status: "disabled" });
    emulator.clearRequests();
    await pulumi(["refresh", "--yes"]);
    expect(writes()).to.deep.equal([]);
    expect(resourceOf(await exportState(), TYPE)?.outputs?.status).to.equal("disabled");
    await pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["PATCH 200"]);
    expect(live()[0].properties.status).to.equal("enabled");
    expect((await outputs(true)).password).to.equal(password);
    expect(tap.passwords()).to.have.length(1);
    emulator.clearRequests();
    await pulumi(["preview", "--expect-no-changes"]);
    expect(writes()).to.deep.equal([]);
  });

  it("destroy deletes the token with one DELETE; no run printed a warning", async () => {
    emulator.clearRequests();
    await pulumi(["destroy", "--yes"]);
    expect(writes()).to.deep.equal(["DELETE 204"]);
    expect(live()).to.deep.equal([]);
    expect(printed.join("\n")).to.not.match(/warning/i);
  });
});
