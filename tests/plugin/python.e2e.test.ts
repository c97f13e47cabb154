import { expect } from "chai";
import { randomBytes } from "crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { SIG_KEY } from "../../provider/plugin/wire";
import { PACKAGE_VERSION } from "../../provider/version";
import { runCommand } from "../../scripts/projectSandbox";
import { offlineEnv } from "../../scripts/pulumiCli";
import { generateSdk, pipInstallSdk, pythonVenv, writePluginSchema } from "../support/generatedSdk";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { startPasswordWitness, type PasswordWitness } from "../support/passwordWitness";
import { requirePulumi } from "../support/pulumiCli";
import { packedTarball } from "../support/userProject";
import { apiWrites } from "../support/apiWrites";
import { watchArgv, type ArgvWatch } from "../support/argvWatch";

const API_TOKEN = `python-${randomBytes(12).toString("hex")}`;
const PASSPHRASE = `python-${randomBytes(8).toString("hex")}`;

/**
 * The Python side: an Automation API driver with an inline program that uses the SDK generated from the schema.
 * One step per run (`up`, `refresh`, …), so the test can change the emulator between steps; each run prints one
 * JSON line, the last on stdout, and the engine's own output on stderr.
 */
const DRIVER = `
import importlib.metadata as metadata
import json
import os
import sys

import pulumi
from pulumi import automation as auto
import pulumi_ionos_registry_token as ionos


def program():
    config = pulumi.Config()
    token = ionos.RegistryToken(
        "pull",
        registry_id=config.require("registryId"),
        status=ionos.TokenStatus.ENABLED,
        scopes=[ionos.ScopeArgs(name="*", type=ionos.ScopeType.REPOSITORY, actions=[ionos.ScopeAction.PULL])],
    )
    # The generated function, served by the plugin as an invoke: it must find the token just made.
    found = ionos.get_registry_tokens_output(registry_id=token.registry_id, name_prefix=token.name)
    pulumi.export("name", token.name)
    pulumi.export("tokenId", token.token_id)
    pulumi.export("status", token.status)
    pulumi.export("password", token.password)
    pulumi.export("found", found.tokens.apply(lambda tokens: [t.token_id for t in tokens]))


def log(line):
    print(line, file=sys.stderr)


def main(step):
    settings = json.loads(os.environ["SDK_E2E_SETTINGS"])
    stack = auto.create_or_select_stack(
        stack_name="dev",
        project_name="py-tokens",
        program=program,
        # No project_settings: the Automation API then reads the project's Pulumi.yaml in work_dir, which can
        # name the plugin's folder (Python's ProjectSettings has no \`plugins\`).
        opts=auto.LocalWorkspaceOptions(work_dir=settings["workDir"], secrets_provider="passphrase"),
    )
    stack.set_config("registryId", auto.ConfigValue(settings["registryId"]))
    stack.set_config("ionos-registry-token:endpoint", auto.ConfigValue(settings["endpoint"]))
    # The API token is in the stack config already, set by the test through stdin: the Automation API's
    # set_config would pass it to \`pulumi config set\` on the command line, where any process can read it.
    if step == "up":
        result = stack.up(on_output=log)
        summary = result.summary.resource_changes
    elif step == "refresh":
        result = stack.refresh(on_output=log)
        summary = result.summary.resource_changes
    elif step == "preview":
        result = stack.preview(on_output=log)
        summary = result.change_summary
    elif step == "destroy":
        result = stack.destroy(on_output=log)
        summary = result.summary.resource_changes
    else:
        raise SystemExit("unknown step " + step)
    outputs = {k: {"value": v.value, "secret": v.secret} for k, v in stack.outputs().items()}
    versions = {name: metadata.version(name) for name in ("pulumi", "pulumi_ionos_registry_token")}
    print(json.dumps({"summary": summary, "outputs": outputs, "versions": versions}))


main(sys.argv[1])
`;

/**
 * The project file of the Automation API's work dir: the plugin's folder named as for any Pulumi program (without
 * it the plugin must be on PATH, and the engine warns about that on every run).
 */
function projectYaml(backendUrl: string, pluginDir: string): string {
  return `name: py-tokens
runtime: python
backend:
  url: ${backendUrl}
plugins:
  providers:
    - name: ionos-registry-token
      path: ${pluginDir}
`;
}

interface StepResult {
  /** The operation's resource changes (preview: its change summary). */
  summary: Record<string, number>;
  /** The stack outputs as the Automation API returns them. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
  /** Installed distributions, by name. */
  versions: Record<string, string>;
}

interface State {
  deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> };
}

const TYPE = PLUGIN_TOKEN_TYPE;

describe("plugin mode: a Python program (Automation API) uses the Python SDK generated from the schema", function () {
  this.timeout(1_200_000);
  let emulator: RunningEmulator;
  let tap: PasswordWitness;
  /** Every process's argv while the driver runs: the API token must never be in one. */
  let argv: ArgvWatch | undefined;
  let dir: string;
  let python: string;
  let sitePackages: string;
  let settings: Record<string, string>;
  /** What the engine printed in every step (the driver's stderr), checked for warnings. */
  const printed: string[] = [];

  before(async function () {
    requirePulumi();
    const venv = pythonVenv();
    python = path.join(venv, "bin", "python");
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "python" }] });
    tap = await startPasswordWitness(emulator.url);
    dir = mkdtempSync(path.join(tmpdir(), "ionos-python-sdk-"));
    for (const sub of ["home", "state", "work", "plugin"]) mkdirSync(path.join(dir, sub));
    // The plugin as the README tells a non-Node.js user to get it: the packed package installed into a folder.
    await runCommand(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--prefix",
        path.join(dir, "plugin"),
        packedTarball(),
      ],
      { cwd: dir, env: offlineEnv() },
    );
    const pluginDir = path.join(dir, "plugin", "node_modules", "ionos-registry-token", "bin");
    const schema = await writePluginSchema(
      dir,
      path.join(dir, "home"),
      path.join(pluginDir, "pulumi-resource-ionos-registry-token"),
    );
    const sdk = await generateSdk({ schema, language: "python", out: path.join(dir, "sdk") });
    sitePackages = path.join(dir, "site-packages");
    await pipInstallSdk(venv, sdk, sitePackages);
    writeFileSync(path.join(dir, "driver.py"), DRIVER);
    settings = { workDir: path.join(dir, "work"), registryId: registryId(), endpoint: tap.url };
    writeFileSync(
      path.join(settings.workDir, "Pulumi.yaml"),
      projectYaml(`file://${path.join(dir, "state")}`, pluginDir),
    );
    // The stack and its secret API token, as a user sets it: on stdin, never on a command line.
    const cli = (args: string[], input?: string) =>
      runCommand("pulumi", args, { cwd: settings.workDir, env: env(), ...(input ? { input } : {}) });
    await cli(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
    await cli(["config", "set", "--secret", "ionos-registry-token:token"], API_TOKEN);
    argv = watchArgv({ "API token": API_TOKEN });
  });
  after(async () => {
    argv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await tap?.close();
    await emulator?.close();
  });

  const registryId = () => emulator.registries[0].id;
  const live = () => emulator.admin.listTokens(registryId());
  const writes = () => apiWrites(emulator);
  /** The CLI's environment, shared by the driver (through the Automation API) and our own `pulumi` calls. */
  const env = () =>
    offlineEnv({
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PYTHONPATH: sitePackages,
    });

  /** Runs one step of the driver with the venv's python; its JSON answer. */
  async function step(name: string): Promise<StepResult> {
    const run = await runCommand(python, [path.join(dir, "driver.py"), name], {
      cwd: dir,
      env: { ...env(), SDK_E2E_SETTINGS: JSON.stringify(settings) },
    });
    printed.push(run.stderr);
    return JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as StepResult;
  }
  /** `pulumi stack export`: the state as the backend stores it, unless `showSecrets`. */
  async function exportState(showSecrets = false): Promise<string> {
    const args = ["stack", "export", "--stack", "dev", ...(showSecrets ? ["--show-secrets"] : [])];
    return (await runCommand("pulumi", args, { cwd: settings.workDir, env: env() })).stdout;
  }
  const tokenState = (text: string) =>
    (JSON.parse(text) as State).deployment.resources.find((r) => r.type === TYPE)?.outputs ?? {};
  /** Every file of the file backend (stack checkpoint, its backup, history) as text. */
  function backendFiles(root = path.join(dir, "state")): Array<[string, string]> {
    return readdirSync(root).flatMap((name): Array<[string, string]> => {
      const file = path.join(root, name);
      return statSync(file).isDirectory() ? backendFiles(file) : [[file, readFileSync(file, "utf8")]];
    });
  }

  let password: string;
  let tokenId: string;

  it("up creates the token with one POST; the password is a secret output; the state holds it only as ciphertext", async () => {
    emulator.clearRequests();
    const up = await step("up");
    // The SDK reports the schema's version, so the engine asks for the plugin of that version (the package's own).
    expect(up.versions).to.deep.equal({ pulumi: "3.272.0", pulumi_ionos_registry_token: PACKAGE_VERSION });
    expect(up.summary).to.deep.equal({ create: 2 }); // the stack and the token
    expect(writes()).to.deep.equal(["POST 201"]);
    const [token] = live();
    expect(token.properties.status).to.equal("enabled");
    tokenId = token.id;
    expect(up.outputs.name).to.deep.equal({ value: token.properties.name, secret: false });
    expect(up.outputs.tokenId).to.deep.equal({ value: token.id, secret: false });
    // The generated function, an invoke served by the plugin, finds the token.
    expect(up.outputs.found).to.deep.equal({ value: [token.id], secret: false });
    expect(tap.passwords()).to.have.length(1);
    password = tap.passwords()[0];
    expect(up.outputs.password).to.deep.equal({ value: password, secret: true });

    const state = await exportState();
    expect(tokenState(state).password).to.have.keys(SIG_KEY, "ciphertext");
    const scanner = new LeakScanner()
      .addSecret("token password", password)
      .addSecret("API token", API_TOKEN)
      .addArtifact("stack export", state)
      .addArtifact("Pulumi.dev.yaml", readFileSync(path.join(settings.workDir, "Pulumi.dev.yaml"), "utf8"));
    const files = backendFiles();
    expect(files.map(([file]) => path.basename(file))).to.include("dev.json");
    for (const [file, text] of files) scanner.addArtifact(file, text);
    const leaks = scanner.scan();
    expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
    // The scan can see the password: decrypted, the same state shows it.
    const shown = new LeakScanner()
      .addSecret("token password", password)
      .addArtifact("shown", await exportState(true));
    expect(shown.scan()).to.not.deep.equal([]);
  });

  it("refresh records a second actor's change; the next up restores it with one PATCH, the password kept", async () => {
    emulator.admin.patchToken(registryId(), tokenId, { status: "disabled" });
    emulator.clearRequests();
    const refreshed = await step("refresh");
    expect(refreshed.summary).to.deep.equal({ same: 1, update: 1 });
    expect(writes()).to.deep.equal([]);
    expect(tokenState(await exportState()).status).to.equal("disabled");

    const up = await step("up");
    expect(up.summary).to.deep.equal({ same: 1, update: 1 });
    expect(writes()).to.deep.equal(["PATCH 200"]);
    expect(live()[0].properties.status).to.equal("enabled");
    expect(up.outputs.status).to.deep.equal({ value: "enabled", secret: false });
    expect(up.outputs.password).to.deep.equal({ value: password, secret: true });
    expect(tap.passwords()).to.have.length(1);

    emulator.clearRequests();
    const preview = await step("preview");
    expect(preview.summary).to.deep.equal({ same: 2 });
    expect(writes()).to.deep.equal([]);
  });

  it("destroy deletes the token with one DELETE; no run printed a warning", async () => {
    emulator.clearRequests();
    const destroyed = await step("destroy");
    expect(destroyed.summary).to.deep.equal({ delete: 2 });
    expect(writes()).to.deep.equal(["DELETE 204"]);
    expect(live()).to.deep.equal([]);
    expect(printed).to.have.length(5);
    for (const output of printed) expect(output).to.not.match(/warning/i);
    // The watch saw the CLI the Automation API ran; none of the processes had the API token in its argv.
    const watch = argv as ArgvWatch;
    argv = undefined;
    expect(watch.sawCommand("pulumi")).to.equal(true);
    expect(watch.stop()).to.deep.equal([]);
  });
});
