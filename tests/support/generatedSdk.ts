/**
 * SDKs generated from the provider plugin's schema, made the way a user makes them: the schema from
 * `pulumi package get-schema bin/pulumi-resource-ionos-registry-token`, then Pulumi's own code generators
 * (`scripts/sdkGen.ts`, re-exported here). Also installing the Python SDK, and the Go toolchain for the Go SDK.
 */
import { execFileSync } from "child_process";
import { readdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { runCommand } from "../../scripts/projectSandbox";
import { offlineEnv } from "../../scripts/pulumiCli";

import { PLUGIN_PATH } from "./pluginUnderTest";
export { PLUGIN_BIN_DIR } from "./pluginUnderTest";

export {
  generateSdk,
  pythonVenv,
  sdkGenerator,
  yamlLanguageHostDir,
  type GenerateSdkOptions,
  type SdkLanguage,
} from "../../scripts/sdkGen";

/**
 * Writes the plugin's schema into `dir/schema.json` as a user gets it, `pulumi package get-schema <plugin>`:
 * the real CLI starts the plugin and asks it over gRPC. `pulumiHome` keeps the CLI out of `~/.pulumi`.
 * `plugin`: the executable (this repository's by default; a user's is in `node_modules/ionos-registry-token/bin`).
 */
export async function writePluginSchema(
  dir: string,
  pulumiHome: string,
  plugin = PLUGIN_PATH,
): Promise<string> {
  const { stdout } = await runCommand("pulumi", ["package", "get-schema", plugin], {
    cwd: dir,
    env: offlineEnv({ PULUMI_HOME: pulumiHome }),
  });
  const file = path.join(dir, "schema.json");
  writeFileSync(file, stdout);
  return file;
}

/**
 * `pip install`s a generated Python SDK folder into `target` with the venv's pip. Installing is required, not a
 * formality: the SDK reads its own version from the installed distribution's metadata (`importlib.metadata`), and
 * imported from the bare folder it fails with PackageNotFoundError. `--target` keeps the shared venv clean (a run
 * adds `target` to PYTHONPATH); no build isolation and no dependencies, as the venv already holds setuptools and
 * everything the SDK requires, so installing needs no network. `sdkDir` may also be a wheel.
 */
export async function pipInstallSdk(venv: string, sdkDir: string, target: string): Promise<void> {
  await pipInstall(venv, target, ["--no-build-isolation", sdkDir], {
    cwd: path.dirname(target),
    env: offlineEnv(),
  });
}

/** `pip install --no-deps --target TARGET ARGS…` with `venv`'s pip, quietly. */
export async function pipInstall(
  venv: string,
  target: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<void> {
  await runCommand(
    path.join(venv, "bin", "python"),
    [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--no-deps",
      "--target",
      target,
      ...args,
    ],
    options,
  );
}

/**
 * The `go` on PATH (its `go version`), or throws saying why: the Go suites fail, never skip, without Go (a green
 * run must mean the Go user's path was tested).
 */
export function requireGo(): string {
  try {
    return execFileSync("go", ["version"], {
      encoding: "utf8",
      env: offlineEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (err) {
    throw new Error(
      "no usable `go` on PATH for the Go SDK end-to-end tests (install Go >= the `go` line of " +
        `github.com/pulumi/pulumi/sdk/v3's go.mod): ${(err as Error).message}`,
    );
  }
}

/** Where a Go SDK generated with `local: true` lives, as a program names it. */
export interface GoSdkModule {
  /** The SDK's module path (its go.mod's `module` line), for the program's `require` and `replace`. */
  modulePath: string;
  /** The import path of the SDK's root package (the folder holding pulumi-plugin.json). */
  importPath: string;
}

/** Reads the module path and root package of a Go SDK generated with `local: true` into `sdkDir`. */
export function goSdkModule(sdkDir: string): GoSdkModule {
  const modulePath = /^module\s+(\S+)/m.exec(readFileSync(path.join(sdkDir, "go.mod"), "utf8"))?.[1];
  if (!modulePath) throw new Error(`${sdkDir}/go.mod has no module line`);
  const roots = readdirSync(sdkDir, { withFileTypes: true }).filter(
    (entry) =>
      entry.isDirectory() && readdirSync(path.join(sdkDir, entry.name)).includes("pulumi-plugin.json"),
  );
  if (roots.length !== 1) throw new Error(`${sdkDir} holds ${roots.length} root packages, not one`);
  return { modulePath, importPath: `${modulePath}/${roots[0].name}` };
}

/**
 * `go build -o out` of the main package in `dir`, as a user builds a Go program: with the user's Go module and
 * build caches (a warm build cache turns minutes into seconds); `-mod=mod` lets it write the go.sum the test's
 * go.mod lacks, GOTOOLCHAIN=local keeps it from fetching another toolchain. Resolves with the wall time in ms.
 */
export async function goBuild(dir: string, out: string): Promise<number> {
  const start = Date.now();
  await runCommand("go", ["build", "-o", out, "."], {
    cwd: dir,
    env: offlineEnv({ GOFLAGS: "-mod=mod", GOWORK: "off", GOTOOLCHAIN: "local" }),
  });
  return Date.now() - start;
}
