import { expect } from "chai";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { generateSdk, goBuild, goSdkModule, requireGo } from "../support/generatedSdk";
import { describeAutomationSuite } from "./automationSuite";

/** The Go SDK the driver is built with (the Automation API and the program's own SDK). */
const PULUMI_GO_SDK = "github.com/pulumi/pulumi/sdk/v3";
const PULUMI_GO_SDK_VERSION = "v3.276.0";

/**
 * The Go side: an Automation API driver with an inline program that uses the SDK generated from the schema, run
 * in-process (no Go language host), built into a binary (the protocol: {@link describeAutomationSuite}). It reports
 * the modules it was built with. `IONOS_SDK` is replaced by the generated SDK's import path.
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
	var settings struct {
		WorkDir string            \`json:"workDir"\`
		Config  map[string]string \`json:"config"\`
	}
	if err := json.Unmarshal([]byte(os.Getenv("SDK_E2E_SETTINGS")), &settings); err != nil {
		return fmt.Errorf("SDK_E2E_SETTINGS: %w", err)
	}
	ctx := context.Background()
	// No Project option: the Automation API then reads the work dir's Pulumi.yaml, which names the file backend
	// and the plugin's folder. The stack exists already (the test made it to set the API token).
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "go-tokens", program,
		auto.WorkDir(settings.WorkDir), auto.SecretsProvider("passphrase"))
	if err != nil {
		return err
	}
	// Not the API token: SetConfig would pass it to \`pulumi config set\` on the command line.
	for key, value := range settings.Config {
		if err := stack.SetConfig(ctx, key, auto.ConfigValue{Value: value}); err != nil {
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
	// auto.OutputValue has no JSON tags: the same lower-case keys as the other languages' drivers.
	shaped := map[string]any{}
	for key, output := range outputs {
		shaped[key] = map[string]any{"value": output.Value, "secret": output.Secret}
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
		"outputs":  shaped,
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

describeAutomationSuite({
  title: "plugin mode: a Go program (Automation API, inline) uses the Go SDK generated from the schema",
  name: "go",
  registry: "golang",
  project: { name: "go-tokens", runtime: "go" },
  ranWith: `a driver built with ${PULUMI_GO_SDK} ${PULUMI_GO_SDK_VERSION} and the generated SDK through a replace`,
  requires: requireGo,
  async prepare({ dir, schema }) {
    // What `pulumi package add` makes for Go: a module of its own, which the program requires through a replace.
    const sdk = await generateSdk({ schema, language: "go", local: true, out: path.join(dir, "sdk") });
    const { modulePath, importPath } = goSdkModule(sdk);
    const driverDir = path.join(dir, "driver");
    mkdirSync(driverDir);
    writeFileSync(path.join(driverDir, "go.mod"), driverGoMod(modulePath, sdk));
    writeFileSync(path.join(driverDir, "main.go"), DRIVER.replace("IONOS_SDK", importPath));
    const ms = await goBuild(driverDir, path.join(dir, "go-driver"));
    console.log(`      go build of the driver: ${(ms / 1000).toFixed(1)} s (the user's Go caches)`);
    return {
      command: path.join(dir, "go-driver"),
      args: [],
      expectVersions(versions) {
        // Built with the pinned Pulumi Go SDK and the generated SDK from its folder.
        expect(versions).to.deep.equal({ [PULUMI_GO_SDK]: PULUMI_GO_SDK_VERSION, [modulePath]: `=> ${sdk}` });
      },
    };
  },
});
