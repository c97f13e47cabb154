/**
 * The end-to-end suite shared by the Automation API programs in other languages than TypeScript (Python, Go):
 * each language's test file brings a driver, this module declares the describe block that runs it.
 *
 * A driver is an Automation API program with an inline program that uses the SDK generated from the plugin's
 * schema. It performs one step per run (`up`, `refresh`, `preview` or `destroy`, its last argument), so the test
 * can change the emulator between steps. It reads its settings as JSON from `SDK_E2E_SETTINGS`
 * (`{ workDir, config }`: the Automation API's work dir, and the stack config it sets, key by key), prints one
 * JSON line {@link StepResult}, the last on stdout, and the engine's own output on stderr. The API token is not
 * the driver's to set: the Automation APIs' set-config passes the value on `pulumi config set`'s command line, so
 * the suite sets it through stdin, and watches every process's argv for it while the drivers run.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PACKAGE_NAME, PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { SIG_KEY } from "../../provider/plugin/wire";
import { PLUGIN_CONFIG_KEYS } from "../../provider/lifecycle/settings";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { runCommand } from "../../scripts/projectSandbox";
import { offlineEnv } from "../../scripts/pulumiCli";
import { apiWrites } from "../support/apiWrites";
import { watchArgv, type ArgvWatch } from "../support/argvWatch";
import { writePluginSchema } from "../support/generatedSdk";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { startPasswordWitness, type PasswordWitness } from "../support/passwordWitness";
import { requirePulumi } from "../support/pulumiCli";
import { packedTarball } from "../support/userProject";

/** What a driver prints for one step: its last line on stdout. */
export interface StepResult {
  /** The operation's resource changes (preview: its change summary). */
  summary: Record<string, number>;
  /** The stack outputs as the Automation API returns them, with lower-case keys in every language. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
  /** What the driver ran with (language-specific: installed distributions, build modules, …). */
  versions: Record<string, string>;
}

/** The test's folder, as a language's {@link AutomationLanguage.prepare} gets it. */
export interface Workspace {
  /** The temp folder of the suite: the SDK and the driver go below it. */
  dir: string;
  /** The plugin's schema file, as `pulumi package get-schema` writes it for a user. */
  schema: string;
}

/** How to run a language's driver, once {@link AutomationLanguage.prepare} has made it. */
export interface Driver {
  /** The executable; `args` and then the step's name follow. */
  command: string;
  args: string[];
  /** More environment for the driver and the suite's own `pulumi` calls (e.g. PYTHONPATH). */
  env?: Record<string, string>;
  /** Checks the `versions` of the driver's first `up`: what the program ran with. */
  expectVersions(versions: Record<string, string>): void;
}

/** A language whose Automation API program the suite drives. */
export interface AutomationLanguage {
  /** The describe block's title. */
  title: string;
  /** A short name: the prefix of the API token and passphrase, and of the temp folder. */
  name: string;
  /** The name of the emulator's registry. */
  registry: string;
  /** The project's name and runtime (the driver's own project name must be the same). */
  project: { name: string; runtime: string };
  /** What the program ran with, as the `up` test's title names it ({@link Driver.expectVersions} checks it). */
  ranWith: string;
  /** Throws where a tool the language needs is missing (the suite fails, never skips). */
  requires?(): void;
  /** Generates and builds or installs the SDK, writes the driver; how to run it. */
  prepare(work: Workspace): Promise<Driver>;
}

interface State {
  deployment: {
    resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  };
}

/**
 * The project file of the Automation API's work dir: the plugin's folder named as for any Pulumi program (without
 * it the plugin must be on PATH, and the engine warns about that on every run).
 */
function projectYaml(project: AutomationLanguage["project"], backendUrl: string, pluginDir: string): string {
  return `name: ${project.name}
runtime: ${project.runtime}
backend:
  url: ${backendUrl}
plugins:
  providers:
    - name: ${PACKAGE_NAME}
      path: ${pluginDir}
`;
}

/** Every file below `root` (the file backend: stack checkpoint, its backup, history) as text. */
function filesBelow(root: string): Array<[string, string]> {
  return readdirSync(root).flatMap((name): Array<[string, string]> => {
    const file = path.join(root, name);
    return statSync(file).isDirectory() ? filesBelow(file) : [[file, readFileSync(file, "utf8")]];
  });
}

/**
 * Declares the suite for `language`: the plugin installed from the packed tarball as the README tells a
 * non-Node.js user, the schema from it, the language's SDK and driver ({@link AutomationLanguage.prepare}), then
 * up, drift and refresh, destroy, each step a run of the driver.
 */
export function describeAutomationSuite(language: AutomationLanguage): void {
  const API_TOKEN = `${language.name}-${randomBytes(12).toString("hex")}`;
  const PASSPHRASE = `${language.name}-${randomBytes(8).toString("hex")}`;

  describe(language.title, function () {
    this.timeout(1_200_000);
    let emulator: RunningEmulator;
    let tap: PasswordWitness;
    /** Every process's argv while the suite runs: the API token must never be in one. */
    let argv: ArgvWatch | undefined;
    let dir: string;
    let driver: Driver | undefined;
    let settings: { workDir: string; config: Record<string, string> };
    /** What the engine printed in every step (the driver's stderr), checked for warnings. */
    const printed: string[] = [];

    before(async function () {
      requirePulumi();
      language.requires?.();
      argv = watchArgv({ "API token": API_TOKEN });
      emulator = await startEmulator({
        credentials: { token: API_TOKEN },
        registries: [{ name: language.registry }],
      });
      tap = await startPasswordWitness(emulator.url);
      dir = mkdtempSync(path.join(tmpdir(), `ionos-${language.name}-sdk-`));
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
      const pluginDir = path.join(dir, "plugin", "node_modules", PACKAGE_NAME, "bin");
      const schema = await writePluginSchema(
        dir,
        path.join(dir, "home"),
        path.join(pluginDir, `pulumi-resource-${PACKAGE_NAME}`),
      );
      driver = await language.prepare({ dir, schema });
      settings = {
        workDir: path.join(dir, "work"),
        config: { registryId: registryId(), [PLUGIN_CONFIG_KEYS.endpoint]: tap.url },
      };
      writeFileSync(
        path.join(settings.workDir, "Pulumi.yaml"),
        projectYaml(language.project, `file://${path.join(dir, "state")}`, pluginDir),
      );
      // The stack and its secret API token, as a user sets it: on stdin, never on a command line.
      await pulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
      await pulumi(["config", "set", "--secret", PLUGIN_CONFIG_KEYS.token], API_TOKEN);
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
        ...driver?.env,
      });
    /** `pulumi <args>` in the work dir; `input` goes to stdin. */
    const pulumi = async (args: string[], input?: string) =>
      (await runCommand("pulumi", args, { cwd: settings.workDir, env: env(), input })).stdout;

    /** Runs one step of the driver; its JSON answer. */
    async function step(name: string): Promise<StepResult> {
      const { command, args } = driver as Driver;
      const run = await runCommand(command, [...args, name], {
        cwd: dir,
        env: { ...env(), SDK_E2E_SETTINGS: JSON.stringify(settings) },
      });
      printed.push(run.stderr);
      return JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as StepResult;
    }
    /** `pulumi stack export`: the state as the backend stores it, unless `showSecrets`. */
    const exportState = (showSecrets = false) =>
      pulumi(["stack", "export", "--stack", "dev", ...(showSecrets ? ["--show-secrets"] : [])]);
    const resourceOf = (text: string, type: string) =>
      (JSON.parse(text) as State).deployment.resources.find((r) => r.type === type);
    const tokenState = (text: string) => resourceOf(text, PLUGIN_TOKEN_TYPE)?.outputs ?? {};

    let password: string;
    let tokenId: string;

    it(`up (${language.ranWith}) creates the token with one POST; the password is a secret output; the state holds it only as ciphertext`, async () => {
      emulator.clearRequests();
      const up = await step("up");
      (driver as Driver).expectVersions(up.versions);
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
      // The SDK carries the schema's version, so the engine asked for the plugin of that version (the package's own).
      expect(resourceOf(state, `pulumi:providers:${PACKAGE_NAME}`)?.inputs).to.include({
        version: PACKAGE_VERSION,
      });
      expect(tokenState(state).password).to.have.keys(SIG_KEY, "ciphertext");
      const scanner = new LeakScanner()
        .addSecret("token password", password)
        .addSecret("API token", API_TOKEN)
        .addArtifact("stack export", state)
        .addArtifact("Pulumi.dev.yaml", readFileSync(path.join(settings.workDir, "Pulumi.dev.yaml"), "utf8"));
      const files = filesBelow(path.join(dir, "state"));
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

    it("destroy deletes the token with one DELETE; no run printed a warning; no command line held the API token", async () => {
      emulator.clearRequests();
      const destroyed = await step("destroy");
      expect(destroyed.summary).to.deep.equal({ delete: 2 });
      expect(writes()).to.deep.equal(["DELETE 204"]);
      expect(live()).to.deep.equal([]);
      expect(printed).to.have.length(5);
      for (const output of printed) expect(output).to.not.match(/warning/i);
      // The watch saw the CLI the driver ran (through the Automation API); none of the processes it saw, from the
      // plugin's install to here, had the API token in its argv.
      const watch = argv as ArgvWatch;
      argv = undefined;
      // Stopped before any assertion: a failing one must not leave the watch's timer running.
      const findings = watch.stop();
      expect(watch.sawCommand("pulumi")).to.equal(true);
      expect(findings).to.deep.equal([]);
    });
  });
}
