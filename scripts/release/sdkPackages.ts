/**
 * The SDKs of a release, generated from its schema (so they carry its `pluginDownloadURL`) and packaged for
 * each language's installer: a Python wheel and sdist, a compiled Node.js package, and the Go module.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";
import { NODEJS_SDK_PACKAGE, PYTHON_SDK_PACKAGE } from "../../provider/plugin/schema";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { runCommand } from "../projectSandbox";
import { offlineEnv, REPO_ROOT } from "../pulumiCli";
import { generateSdk, pythonVenv } from "../sdkGen";
import { packNpmFolder } from "./npmPackage";
import { filesBelow, writeTarball } from "./tarball";

/**
 * The date inside the Python archives (setuptools and the zip format read SOURCE_DATE_EPOCH): 1980-01-01, the
 * earliest a zip can hold, so that two builds write the same bytes.
 */
const SOURCE_DATE_EPOCH = "315532800";

/** The Go module's tarball name. */
export const GO_SDK_TARBALL = `ionos-registry-token-go-sdk-v${PACKAGE_VERSION}.tar.gz`;

/** Writes every SDK package for `schemaFile` into `outDir`, working in `work`; the paths written. */
export async function writeSdkPackages(schemaFile: string, outDir: string, work: string): Promise<string[]> {
  return [
    ...(await pythonPackages(schemaFile, outDir, work)),
    await nodejsPackage(schemaFile, outDir, work),
    await goModule(schemaFile, outDir, work),
  ];
}

/** The wheel and the sdist, built by `build_python_sdk.py` with the cached venv (no network). */
async function pythonPackages(schemaFile: string, outDir: string, work: string): Promise<string[]> {
  const sdk = await generateSdk({ schema: schemaFile, language: "python", out: path.join(work, "python") });
  const dist = path.join(work, "python-dist");
  mkdirSync(dist, { recursive: true });
  const build = path.join(REPO_ROOT, "scripts", "release", "build_python_sdk.py");
  await runCommand(path.join(pythonVenv(), "bin", "python"), [build, dist], {
    cwd: sdk,
    env: offlineEnv({ SOURCE_DATE_EPOCH }),
  });
  const built = readdirSync(dist).filter((f) => f.startsWith(`${PYTHON_SDK_PACKAGE}-${PACKAGE_VERSION}`));
  if (built.length !== 2) throw new Error(`the Python build wrote ${readdirSync(dist).join(", ")}`);
  return built.map((file) => {
    copyFileSync(path.join(dist, file), path.join(outDir, file));
    return path.join(outDir, file);
  });
}

/**
 * The Node.js SDK compiled, as a package whose `main` is JavaScript: installing it runs nothing. Compiled with
 * this repository's TypeScript against its `@pulumi/pulumi` and `@types/node` (no network), without source
 * maps (the TypeScript sources are not shipped).
 */
export async function nodejsPackage(schemaFile: string, outDir: string, work: string): Promise<string> {
  const sdk = await generateSdk({ schema: schemaFile, language: "nodejs", out: path.join(work, "nodejs") });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(sdk, "node_modules"), "dir");
  const staging = path.join(work, "nodejs-package");
  await runCommand(
    process.execPath,
    [
      path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      sdk,
      "--outDir",
      staging,
      "--sourceMap",
      "false",
      "--declarationMap",
      "false",
    ],
    { cwd: sdk, env: offlineEnv() },
  );
  const manifest = JSON.parse(readFileSync(path.join(sdk, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  delete manifest.scripts;
  delete manifest.devDependencies;
  writeFileSync(
    path.join(staging, "package.json"),
    `${JSON.stringify({ ...manifest, main: "index.js", types: "index.d.ts" }, null, 2)}\n`,
  );
  copyFileSync(path.join(sdk, "README.md"), path.join(staging, "README.md"));
  const tarball = packNpmFolder(staging, outDir);
  if (path.basename(tarball) !== `${NODEJS_SDK_PACKAGE}-${PACKAGE_VERSION}.tgz`) {
    throw new Error(`npm pack named the Node.js SDK ${path.basename(tarball)}`);
  }
  return tarball;
}

/** The Go module (go.mod and the package), as a tarball to unpack and name in a `replace` directive. */
async function goModule(schemaFile: string, outDir: string, work: string): Promise<string> {
  const sdk = await generateSdk({
    schema: schemaFile,
    language: "go",
    local: true,
    out: path.join(work, "go"),
  });
  rmSync(path.join(sdk, ".gitattributes"), { force: true });
  const out = path.join(outDir, GO_SDK_TARBALL);
  await writeTarball(out, sdk, filesBelow(sdk));
  return out;
}
