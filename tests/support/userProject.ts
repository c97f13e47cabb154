/**
 * A user's own Pulumi project, laid out as `pulumi new typescript` makes one (Pulumi.yaml, package.json,
 * tsconfig.json, a TypeScript `index.ts` the CLI compiles itself), in a temp folder with no link to this
 * repository. This package gets into it only the way a user gets it: `npm install` of the tarball `npm pack`
 * made, next to the newest `@pulumi/pulumi` 3.x from the npm registry.
 */
import { execFileSync } from "child_process";
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import {
  createProjectSandbox,
  runCommand,
  type ProjectSandbox,
  type PulumiRun,
  type PulumiRunOptions,
} from "../../scripts/projectSandbox";
import { REPO_ROOT } from "../../scripts/pulumiCli";

/** The npm spec of the SDK a new project gets: the newest 3.x, as `pulumi new typescript` would install. */
export const NEWEST_SDK = "@pulumi/pulumi@3";

let packed: string | undefined;

/**
 * `npm pack` of this repository (its `prepack` script compiles what ships), once per test process; the path
 * of the `.tgz`.
 */
export function packedTarball(): string {
  packed ??= npmPack(REPO_ROOT);
  return packed;
}

/** `npm pack` of the package in `dir` into a new temp folder; the path of the `.tgz`. */
export function npmPack(dir: string): string {
  const dest = mkdtempSync(path.join(tmpdir(), "ionos-pack-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", dest], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [file] = readdirSync(dest).filter((f) => f.endsWith(".tgz"));
  if (file === undefined) throw new Error(`npm pack wrote no tarball into ${dest}`);
  return path.join(dest, file);
}

/**
 * Node 26 lists the experimental `node:ffi` module among its built-ins, and `@pulumi/pulumi`'s closure
 * serializer `require`s every built-in, so each run of a program with a dynamic resource prints an
 * ExperimentalWarning. Switching the unused experimental module off for the program (the README's Node 26
 * note) keeps the output clean without silencing any warning.
 */
export function nodeArgsForThisNode(): string | undefined {
  return Number(process.versions.node.split(".")[0]) >= 26 ? "--no-experimental-ffi" : undefined;
}

/** `Pulumi.yaml` as `pulumi new typescript` writes it, plus `nodeargs` when given. */
export function pulumiYaml(name: string, nodeargs = nodeArgsForThisNode()): string {
  const options = ["    packagemanager: npm", ...(nodeargs ? [`    nodeargs: "${nodeargs}"`] : [])];
  return [
    `name: ${name}`,
    `description: A user's project`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    ...options,
    "",
  ].join("\n");
}

/** `tsconfig.json` of the `pulumi new typescript` template. */
export const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

/** A user project: a {@link ProjectSandbox} plus npm in its folder. */
export interface UserProject extends ProjectSandbox {
  /** Runs `npm <args>` in the project folder. */
  npm(args: string[], options?: PulumiRunOptions): Promise<PulumiRun>;
  /** Runs an installed package's command (`npx --no-install <args>`), with `options.env` added. */
  npx(args: string[], options?: PulumiRunOptions): Promise<PulumiRun>;
}

/** How to lay out a {@link UserProject}. */
export interface UserProjectSource {
  /** The project name (Pulumi.yaml and package.json). */
  name: string;
  /** A folder whose files (Pulumi.yaml, index.ts, package.json, …) are copied as they are (an example). */
  copyFrom?: string;
  /** Files to write, by name (`index.ts` at least when nothing is copied). */
  files?: Record<string, string>;
  /** The package tarball to install. @default this checkout's, from {@link packedTarball} */
  tarball?: string;
}

/**
 * Lays out a user project and installs this package's tarball and the newest SDK into it, as the README
 * tells a user to: `npm install <tarball> @pulumi/pulumi@3` in a new project, or the tarball copied beside an
 * example and `npm install`.
 */
export async function createUserProject(passphrase: string, source: UserProjectSource): Promise<UserProject> {
  const sandbox = createProjectSandbox(passphrase, { files: [], links: [] });
  const dir = sandbox.projectDir;
  const tarball = source.tarball ?? packedTarball();
  const npm = (args: string[], options: PulumiRunOptions = {}) =>
    runCommand("npm", [...args, "--no-audit", "--no-fund"], { ...options, cwd: dir, env: sandbox.env });
  try {
    if (source.copyFrom !== undefined) {
      for (const file of readdirSync(source.copyFrom))
        copyFileSync(path.join(source.copyFrom, file), path.join(dir, file));
    } else {
      writeFileSync(path.join(dir, "Pulumi.yaml"), pulumiYaml(source.name));
      writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(
          {
            name: source.name,
            main: "index.ts",
            devDependencies: { "@types/node": "^22", typescript: "^5.0.0" },
            dependencies: {},
          },
          null,
          2,
        ),
      );
      writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
    }
    for (const [file, text] of Object.entries(source.files ?? {})) writeFileSync(path.join(dir, file), text);
    if (source.copyFrom !== undefined) {
      // An example names the tarball in its package.json (`file:./ionos-registry-token-<version>.tgz`): the
      // README says to put it beside, then `npm install`; its `@pulumi/pulumi` range picks the newest 3.x.
      copyFileSync(tarball, path.join(dir, path.basename(tarball)));
      await npm(["install", "--prefer-offline"]);
    } else {
      await npm(["install", "--prefer-offline", tarball, NEWEST_SDK]);
    }
  } catch (err) {
    sandbox.dispose();
    throw err;
  }
  const npx = (args: string[], options: PulumiRunOptions = {}) =>
    runCommand("npx", ["--no-install", ...args], {
      ...options,
      cwd: dir,
      env: { ...sandbox.env, ...options.env },
    });
  return { ...sandbox, npm, npx };
}
