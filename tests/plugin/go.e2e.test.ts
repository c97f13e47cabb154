import { expect } from "chai";
import { randomBytes } from "crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { runCommand } from "../../scripts/projectSandbox";
import { offlineEnv } from "../../scripts/pulumiCli";
import { watchArgv, type ArgvWatch } from "../support/argvWatch";
import { generateSdk, goBuild, goSdkModule, requireGo, writePluginSchema } from "../support/generatedSdk";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { startPasswordWitness, type PasswordWitness } from "../support/passwordWitness";
import { requirePulumi } from "../support/pulumiCli";
import { packedTarball } from "../support/userProject";
import { apiWrites } from "../support/apiWrites";

const API_TOKEN = `go-${randomBytes(12).toString("hex")}`;
const PASSPHRASE = `go-${randomBytes(8).toString("hex")}`;
/** The Go SDK the driver is built with (the Automation API and the program's own SDK). */
const PULUMI_GO_SDK = "github.com/pulumi/pulumi/sdk/v3";
const PULUMI_GO_SDK_VERSION = "v3.276.0";

/**
 * The Go side: an Automation API driver with an inline program that uses the SDK generated from the schema, run
 * in-process (no Go language host). One step per run (`up`, `refresh`, …), so the test can change the emulator
 * between steps; each run prints one JSON line on stdout, and the engine's own output on stderr. `IONOS_SDK` is
 * replaced by the generated SDK's import path. The API token is not the driver's to set: the Go Automation API's
 * SetConfig passes the value on `pulumi config set`'s command line, so the test sets it through stdin.
 */
const DRIVER = `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	ionos "IONOS_SDK"
)

func program(ctx *pulumi.Context) error {
	token, err := ionos.NewRegistryToken(ctx, "pull", &ionos.RegistryTokenArgs{
		RegistryId: pulumi.String(config.Require(ctx, "registryId")),
		Status:     ionos.TokenStatusEnabled,
		Scopes: ionos.ScopeArray{ionos.ScopeArgs{
			Name:    pulumi.String("*"),
			Type:    ionos.ScopeTypeRepository,
			Actions: ionos.ScopeActionArray{ionos.ScopeActionPull},
		}},
	})
	if err != nil {
		return err
	}
	// The generated function, served by the plugin as an invoke: it must find the token just made.
	found := ionos.GetRegistryTokensOutput(ctx, ionos.GetRegistryTokensOutputArgs{
		RegistryId: token.RegistryId,
		NamePrefix: token.Name,
	})
	ctx.Export("name", token.Name)
	ctx.Export("tokenId", token.TokenId)
	ctx.Export("status", token.Status)
	ctx.Export("password", token.Password)
	ctx.Export("found", found.Tokens().ApplyT(func(tokens []ionos.TokenInfo) []string {
		ids := make([]string, 0, len(tokens))
		for _, t := range tokens {
			ids = append(ids, t.TokenId)
		}
		return ids
	}))
	return nil
}

func run(step string) error {
	var settings map[string]string
	if err := json.Unmarshal([]byte(os.Getenv("SDK_E2E_SETTINGS")), &settings); err != nil {
		return fmt.Errorf("SDK_E2E_SETTINGS: %w", err)
	}
	ctx := context.Background()
	// No Project option: the Automation API then reads the work dir's Pulumi.yaml, which names the file backend
	// and the plugin's folder. The stack exists already (the test made it to set the API token).
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "go-tokens", program,
		auto.WorkDir(settings["workDir"]), auto.SecretsProvider("passphrase"))
	if err != nil {
		return err
	}
	for _, key := range []string{"registryId", "ionos-registry-token:endpoint"} {
		if err := stack.SetConfig(ctx, key, auto.ConfigValue{Value: settings[key]}); err != nil {
			return err
		}
	}
	var summary any
	switch step {
	case "up":
		result, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr))
		if err != nil {
			return err
		}
		summary = result.Summary.ResourceChanges
	case "refresh":
		result, err := stack.Refresh(ctx, optrefresh.ProgressStreams(os.Stderr))
		if err != nil {
			return err
		}
		summary = result.Summary.ResourceChanges
	case "preview":
		result, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stderr))
		if err != nil {
			return err
		}
		summary = result.ChangeSummary
	case "destroy":
		result, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			return err
		}
		summary = result.Summary.ResourceChanges
	default:
		return fmt.Errorf("unknown step %q", step)
	}
	outputs, err := stack.Outputs(ctx)
	if err != nil {
		return err
	}
	// The modules the driver was built with: the Pulumi Go SDK's version, and where each replaced one came from
	// (the generated SDK).
	versions := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Replace != nil {
				versions[dep.Path] = "=> " + dep.Replace.Path
			} else if dep.Path == "${PULUMI_GO_SDK}" {
				versions[dep.Path] = dep.Version
			}
		}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"summary":  summary,
		"outputs":  outputs,
		"versions": versions,
	})
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: driver up|refresh|preview|destroy")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
}
`;

/** The driver's go.mod: the Pulumi Go SDK, and the generated SDK from its folder, as `pulumi package add` links it. */
function driverGoMod(sdkModule: string, sdkDir: string): string {
  return `module example.com/go-tokens

go 1.25

require (
	${PULUMI_GO_SDK} ${PULUMI_GO_SDK_VERSION}
	${sdkModule} v0.0.0
)

replace ${sdkModule} => ${sdkDir}
`;
}

/**
 * The project file of the Automation API's work dir: the plugin's folder named as for any Pulumi program (without
 * it the plugin must be on PATH, and the engine warns about that on every run).
 */
function projectYaml(backendUrl: string, pluginDir: string): string {
  return `name: go-tokens
runtime: go
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
  /** The stack outputs as the Automation API returns them (Go's auto.OutputValue). */
  outputs: Record<string, { Value: unknown; Secret: boolean }>;
  /** The driver's modules: version, or `=> <dir>` for a replaced one. */
  versions: Record<string, string>;
}

interface State {
  deployment: {
    resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  };
}

const TYPE = "ionos-registry-token:index:RegistryToken";

describe("plugin mode: a Go program (Automation API, inline) uses the Go SDK generated from the schema", function () {
  this.timeout(1_200_000);
  let emulator: RunningEmulator;
  let tap: PasswordWitness;
  let argv: ArgvWatch | undefined;
  let dir: string;
  let sdkModule: string;
  let settings: Record<string, string>;
  /** What the engine printed in every step (the driver's stderr), checked for warnings. */
  const printed: string[] = [];

  before(async function () {
    requirePulumi();
    requireGo();
    argv = watchArgv({ "API token": API_TOKEN });
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "golang" }] });
    tap = await startPasswordWitness(emulator.url);
    dir = mkdtempSync(path.join(tmpdir(), "ionos-go-sdk-"));
    for (const sub of ["home", "state", "work", "plugin", "driver"]) mkdirSync(path.join(dir, sub));
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
    // What `pulumi package add` makes for Go: a module of its own, which the program requires through a replace.
    const sdk = await generateSdk({ schema, language: "go", local: true, out: path.join(dir, "sdk") });
    const { modulePath, importPath } = goSdkModule(sdk);
    sdkModule = modulePath;
    const driverDir = path.join(dir, "driver");
    writeFileSync(path.join(driverDir, "go.mod"), driverGoMod(modulePath, sdk));
    writeFileSync(path.join(driverDir, "main.go"), DRIVER.replace("IONOS_SDK", importPath));
    const ms = await goBuild(driverDir, path.join(dir, "go-driver"));
    console.log(`      go build of the driver: ${(ms / 1000).toFixed(1)} s (the user's Go caches)`);

    settings = {
      workDir: path.join(dir, "work"),
      registryId: registryId(),
      "ionos-registry-token:endpoint": tap.url,
    };
    writeFileSync(
      path.join(settings.workDir, "Pulumi.yaml"),
      projectYaml(`file://${path.join(dir, "state")}`, pluginDir),
    );
    // The API token through stdin, never a command line (the Go Automation API would put it on one).
    await pulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
    await pulumi(["config", "set", "--secret", "ionos-registry-token:token"], API_TOKEN);
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
  const env = () => offlineEnv({ PULUMI_HOME: path.join(dir, "home"), PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
  /** `pulumi <args>` in the work dir; `input` goes to stdin. */
  const pulumi = async (args: string[], input?: string) =>
    (await runCommand("pulumi", args, { cwd: settings.workDir, env: env(), input })).stdout;

  /** Runs one step of the driver; its JSON answer. */
  async function step(name: string): Promise<StepResult> {
    const run = await runCommand(path.join(dir, "go-driver"), [name], {
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
  const tokenState = (text: string) => resourceOf(text, TYPE)?.outputs ?? {};
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
    // Built with the pinned Pulumi Go SDK and the generated SDK from its folder.
    expect(up.versions).to.deep.equal({
      [PULUMI_GO_SDK]: PULUMI_GO_SDK_VERSION,
      [sdkModule]: `=> ${path.join(dir, "sdk")}`,
    });
    expect(up.summary).to.deep.equal({ create: 2 }); // the stack and the token
    expect(writes()).to.deep.equal(["POST 201"]);
    const [token] = live();
    expect(token.properties.status).to.equal("enabled");
    tokenId = token.id;
    expect(up.outputs.name).to.deep.equal({ Value: token.properties.name, Secret: false });
    expect(up.outputs.tokenId).to.deep.equal({ Value: token.id, Secret: false });
    // The generated function, an invoke served by the plugin, finds the token.
    expect(up.outputs.found).to.deep.equal({ Value: [token.id], Secret: false });
    expect(tap.passwords()).to.have.length(1);
    password = tap.passwords()[0];
    expect(up.outputs.password).to.deep.equal({ Value: password, Secret: true });

    const state = await exportState();
    // The SDK carries the schema's version, so the engine asked for plugin 0.1.0 (the plugin's own version).
    expect(resourceOf(state, "pulumi:providers:ionos-registry-token")?.inputs).to.include({
      version: "0.1.0",
    });
    expect(tokenState(state).password).to.have.keys("4dabf18193072939515e22adb298388d", "ciphertext");
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
    expect(up.outputs.status).to.deep.equal({ Value: "enabled", Secret: false });
    expect(up.outputs.password).to.deep.equal({ Value: password, Secret: true });
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
    // The watch saw the CLI the driver ran and the plugin's processes; none had the API token in its argv.
    const watch = argv as ArgvWatch;
    argv = undefined;
    expect(watch.sawCommand("pulumi")).to.equal(true);
    expect(watch.stop()).to.deep.equal([]);
  });
});
