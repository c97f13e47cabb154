/**
 * How the docs suite runs each shell block marked `<!-- runs: ID -->`: one recipe per ID prepares what the page
 * assumes (a copy of this repository, the packed tarball, `release/`, a project with a stack, the emulator),
 * replaces only the placeholders the page asks the reader to fill in (each replacement must match, so a changed
 * block fails here), runs the block with bash as a reader would paste it, and checks what it printed and what
 * it left behind.
 *
 * Every block runs with `HOME` in a temporary folder (so `~/…` paths land there), whose `.cache`, `.npm` and `go`
 * link to the real ones (the tool caches), and with the CLI's confirmations skipped (`PULUMI_SKIP_CONFIRMATIONS`):
 * a pasted `pulumi up` asks for a yes a script cannot give.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { homedir, tmpdir } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { offlineEnv, REPO_ROOT } from "../../scripts/pulumiCli";
import { requireRegistryTools } from "../../scripts/registryClients";
import { NO_DOWNLOAD_URL_WARNING } from "../../scripts/release";
import { endKilledRunProviders, killPulumiWhen } from "../support/killedRun";
import { createModeProject, initStack } from "../support/modeProject";
import { endAll, waitUntil, type ProcessEntry } from "../support/processTable";
import { startSlowAnswerProxy } from "../support/slowAnswerProxy";
import { packedTarball } from "../support/userProject";
import { PACKAGE_VERSION as VERSION } from "../../provider/lifecycle/version";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import type { ShellBlock } from "./markdown";

/** What a block printed, and how it ended. */
export interface BlockRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one block; throws (an assertion) when it did not do what the page says. */
export type ShellRecipe = (block: ShellBlock, workspace: DocsWorkspace) => Promise<void>;

/** The URL every release block of the docs names. */
const DOWNLOAD_URL = "https://downloads.example.com/ionos-registry-token/v0.1.0/";
const TARBALL = `ionos-registry-token-${VERSION}.tgz`;
const PLATFORMS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];

/**
 * `code` with each `[placeholder, value]` replaced everywhere; a placeholder the block no longer holds fails, so a
 * reworded block cannot silently run something else.
 */
export function fillIn(code: string, replacements: Array<[string, string]>): string {
  let filled = code;
  for (const [placeholder, value] of replacements) {
    if (!filled.includes(placeholder))
      throw new Error(`the block no longer holds ${JSON.stringify(placeholder)}`);
    filled = filled.split(placeholder).join(value);
  }
  return filled;
}

/** The folders, processes and lazily made artifacts the recipes share; {@link DocsWorkspace.dispose} ends them. */
export class DocsWorkspace {
  readonly root = mkdtempSync(path.join(tmpdir(), "ionos-docs-shell-"));
  readonly home = path.join(this.root, "home");
  private copyDir: string | undefined;
  private readonly cleanups: Array<() => unknown> = [];

  constructor() {
    mkdirSync(this.home);
    for (const cache of [".cache", ".npm", "go"]) {
      const real = path.join(homedir(), cache);
      if (existsSync(real)) symlinkSync(real, path.join(this.home, cache));
    }
  }

  /** The environment of a block: offline Pulumi, HOME here, node of this process first on PATH. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const base = offlineEnv();
    return {
      ...base,
      HOME: this.home,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${base.PATH ?? ""}`,
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_CONFIG_PASSPHRASE: "docs",
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      npm_config_audit: "false",
      ...extra,
    };
  }

  /** A new empty folder under the workspace. */
  dir(name: string): string {
    const dir = path.join(this.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * A copy of this repository's working tree (tracked and untracked files that git does not ignore), as a
   * fresh clone holds them, without node_modules, dist or release/. Made once.
   */
  async repositoryCopy(): Promise<string> {
    if (this.copyDir === undefined) {
      const copy = this.dir("clone");
      const files = await this.bash("git ls-files -z --cached --others --exclude-standard", REPO_ROOT);
      for (const file of files.stdout.split("\0").filter(Boolean)) {
        if (!existsSync(path.join(REPO_ROOT, file))) continue; // deleted in the working tree
        mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
        copyFileSync(path.join(REPO_ROOT, file), path.join(copy, file));
      }
      this.copyDir = copy;
    }
    return this.copyDir;
  }

  /**
   * The copy installed and built, as a reader's clone is after `npm ci` and a build (the release block does both;
   * a block that runs `npm ci` again removes the package's link to itself until the next build).
   */
  async builtCopy(): Promise<string> {
    const copy = await this.repositoryCopy();
    if (!existsSync(path.join(copy, "node_modules/ionos-registry-token/dist/provider/plugin/main.js"))) {
      await this.bash(
        existsSync(path.join(copy, "node_modules")) ? "npm run build" : "npm ci && npm run build",
        copy,
      );
    }
    return copy;
  }

  /** The copy's `release/`, written by the install page's release block (run first). */
  async release(): Promise<string> {
    const dir = path.join(await this.repositoryCopy(), "release");
    if (!existsSync(path.join(dir, "SHA256SUMS"))) {
      throw new Error(
        "release/ is not there: the `release` block of docs/installation-configuration.md runs first",
      );
    }
    return dir;
  }

  /** Starts an in-process emulator accepting `apiToken`, closed with the workspace. */
  async emulator(apiToken: string, registries = ["docs"]): Promise<RunningEmulator> {
    const emulator = await startEmulator({
      credentials: { token: apiToken },
      registries: registries.map((name) => ({ name })),
    });
    this.cleanups.push(() => emulator.close());
    return emulator;
  }

  /** Registers something to end with the workspace. */
  onDispose(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /**
   * Runs `script` with bash in `cwd`, in a process group of its own: what it started in the background (an
   * emulator with `&`) is ended when it ends. `errexit`: stop at the first failing command (`set -e`) and reject
   * on a non-zero exit; without it, the block runs to its end as typed line by line.
   */
  bash(
    script: string,
    cwd: string,
    options: { env?: Record<string, string>; errexit?: boolean; timeoutMs?: number } = {},
  ): Promise<BlockRun> {
    return this.start(script, cwd, options).finished;
  }

  /**
   * {@link DocsWorkspace.bash}, with a handle to signal the whole group while it runs (SIGINT is what Ctrl-C
   * sends to a terminal's foreground group).
   */
  start(
    script: string,
    cwd: string,
    options: { env?: Record<string, string>; errexit?: boolean; timeoutMs?: number } = {},
  ): { signal: (signal: NodeJS.Signals) => void; stdout: () => string; finished: Promise<BlockRun> } {
    const errexit = options.errexit ?? true;
    const child = spawn("bash", ["-c", `${errexit ? "set -e -o pipefail\n" : ""}${script}`], {
      cwd,
      env: options.env ?? this.env(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), options.timeoutMs ?? 600_000);
    const finished = new Promise<BlockRun>((resolve, reject) => {
      child.once("exit", (status) => {
        clearTimeout(timer);
        // The background jobs: the emulator stops cleanly on SIGTERM; whatever ignores it is killed.
        killGroup(child.pid, "SIGTERM");
        const stubborn = setTimeout(() => killGroup(child.pid, "SIGKILL"), 30_000);
        child.once("close", () => clearTimeout(stubborn));
        // Its output is closed only when the background jobs have ended too.
        child.once("close", () => {
          const run = { status, stdout, stderr };
          if (errexit && status !== 0) {
            reject(
              new Error(
                `the block exited with ${status}:\n${script}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
              ),
            );
          } else resolve(run);
        });
      });
    });
    return { signal: (signal) => killGroup(child.pid, signal), stdout: () => stdout, finished };
  }

  /** Ends what the recipes started and removes the workspace. */
  async dispose(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup();
    rmSync(this.root, { recursive: true, force: true });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has already ended
  }
}

/**
 * Shell functions a block's placeholders are replaced with when their value exists only once the block runs:
 * the id and host of the first registry of the emulator the block started on `port` (waiting until it answers).
 */
const registryLookups = (port: number, apiToken: string) => `
registry_json() {
  for _ in $(seq 1 150); do
    curl -sf -H 'Authorization: Bearer ${apiToken}' http://127.0.0.1:${port}/containerregistries/registries && return
    sleep 0.2
  done
  return 1
}
registry_id() { registry_json | jq -r '.items[0].id'; }
registry_host() { registry_json | jq -r '.items[0].properties.hostname'; }
`;

/** A free loopback port (bound, then released). */
async function freePort(): Promise<number> {
  const { createServer } = await import("net");
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The files a release writes (the five plugin tarballs, the SDKs, the checksums). */
function expectReleaseFiles(dir: string): void {
  const files = readdirSync(dir);
  for (const platform of PLATFORMS) {
    expect(files).to.include(`pulumi-resource-ionos-registry-token-v${VERSION}-${platform}.tar.gz`);
  }
  expect(files).to.include.members([
    "SHA256SUMS",
    `ionos-registry-token-sdk-${VERSION}.tgz`,
    `ionos-registry-token-go-sdk-v${VERSION}.tar.gz`,
  ]);
  const schema = JSON.parse(readFileSync(path.join(dir, "schema.json"), "utf8")) as {
    pluginDownloadURL?: string;
  };
  expect(schema.pluginDownloadURL).to.equal(DOWNLOAD_URL);
}

/** A folder with a package.json, as `npm init -y` leaves it. */
function npmProject(workspace: DocsWorkspace, name: string): string {
  const dir = workspace.dir(name);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true }, null, 2),
  );
  return dir;
}

/** A Pulumi YAML project folder with a `dev` stack (file backend inside the workspace), for `config set`. */
async function stackProject(
  workspace: DocsWorkspace,
  name: string,
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = workspace.dir(name);
  const env = workspace.env({ PULUMI_BACKEND_URL: `file://${workspace.dir(`${name}-state`)}` });
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: yaml\n`);
  await workspace.bash("pulumi stack init dev --secrets-provider passphrase", dir, { env });
  return { dir, env };
}

/** The stack config file of {@link stackProject}, and the checks every `config set --secret` block shares. */
function expectSecretConfig(dir: string, key: string, secret: string): string {
  const config = readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
  expect(config).to.match(new RegExp(`${key.replace(/[.:]/g, "\\$&")}:\\s*\\n?\\s*secure: `));
  expect(config).to.not.include(secret);
  return config;
}

/** The recipes, by the ID of their marker. */
export const SHELL_RECIPES: Record<string, ShellRecipe> = {
  /** docs/installation-configuration.md: `npm ci && npm run release -- --plugin-download-url …` in a clone. */
  async release(block, workspace) {
    const copy = await workspace.repositoryCopy();
    const run = await workspace.bash(block.code, copy);
    expectReleaseFiles(path.join(copy, "release"));
    expect(run.stderr + run.stdout).to.not.include(NO_DOWNLOAD_URL_WARNING);
  },

  /** RELEASING.md: the release command again, in the same clone: the same artifacts, byte for byte. */
  async "release-again"(block, workspace) {
    const dir = await workspace.release();
    const before = readFileSync(path.join(dir, "SHA256SUMS"), "utf8");
    await workspace.bash(block.code, path.dirname(dir));
    expectReleaseFiles(dir);
    expect(readFileSync(path.join(dir, "SHA256SUMS"), "utf8")).to.equal(before);
  },

  /** docs/installation-configuration.md: installing the packed tarball into a project. */
  async "npm-install-tarball"(block, workspace) {
    const dir = npmProject(workspace, "tarball-user");
    copyFileSync(packedTarball(), path.join(dir, TARBALL));
    await workspace.bash(block.code, dir);
    const loaded = await workspace.bash(
      `node -e 'const p = require("ionos-registry-token"); console.log(typeof p.RegistryToken)'`,
      dir,
    );
    expect(loaded.stdout.trim()).to.equal("function");
  },

  /** docs/installation-configuration.md: the Node.js SDK of `release/`, with `@pulumi/pulumi`. */
  async "npm-install-sdk"(block, workspace) {
    const dir = npmProject(workspace, "sdk-user");
    const sdk = `ionos-registry-token-sdk-${VERSION}.tgz`;
    copyFileSync(path.join(await workspace.release(), sdk), path.join(dir, sdk));
    await workspace.bash(block.code, dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const name = Object.keys(manifest.dependencies).find((dep) => manifest.dependencies[dep]?.includes(sdk));
    expect(name, JSON.stringify(manifest)).to.be.a("string");
    expect(Object.keys(manifest.dependencies)).to.include("@pulumi/pulumi");
    const loaded = await workspace.bash(
      `node -e 'const p = require(${JSON.stringify(name)}); console.log(typeof p.RegistryToken)'`,
      dir,
    );
    expect(loaded.stdout.trim()).to.equal("function");
  },

  /** docs/installation-configuration.md: the Go SDK of `release/` unpacked and required with a `replace`. */
  async "go-sdk-replace"(block, workspace) {
    const dir = workspace.dir("go-user");
    const sdk = `ionos-registry-token-go-sdk-v${VERSION}.tar.gz`;
    copyFileSync(path.join(await workspace.release(), sdk), path.join(dir, sdk));
    await workspace.bash("go mod init example.com/app", dir);
    await workspace.bash(block.code, dir);
    const mod = JSON.parse((await workspace.bash("go mod edit -json", dir)).stdout) as {
      Require: Array<{ Path: string; Version: string }>;
      Replace: Array<{ Old: { Path: string }; New: { Path: string } }>;
    };
    expect(mod.Require).to.deep.include({
      Path: "example.com/ionos-registry-token/sdk/go",
      Version: "v0.0.0",
    });
    const replaced = mod.Replace.find((r) => r.Old.Path === "example.com/ionos-registry-token/sdk/go");
    expect(replaced?.New.Path).to.equal("./sdks/ionos-registry-token");
    // The replacement folder is the module the requirement names.
    const sdkMod = readFileSync(path.join(dir, "sdks/ionos-registry-token/go.mod"), "utf8");
    expect(sdkMod).to.match(/^module example\.com\/ionos-registry-token\/sdk\/go$/m);
  },

  /** docs/installation-configuration.md: `pulumi plugin install … --file` of the linux-amd64 tarball. */
  async "plugin-install-file"(block, workspace) {
    const dir = workspace.dir("plugin-install");
    const tarball = `pulumi-resource-ionos-registry-token-v${VERSION}-linux-amd64.tar.gz`;
    copyFileSync(path.join(await workspace.release(), tarball), path.join(dir, tarball));
    const env = workspace.env({ PULUMI_HOME: workspace.dir("plugin-install-home") });
    await workspace.bash(block.code, dir, { env });
    const listed = JSON.parse(
      (await workspace.bash("pulumi plugin ls --json", dir, { env })).stdout,
    ) as Array<{
      name: string;
      kind: string;
      version: string;
    }>;
    expect(listed.map(({ name, kind, version }) => ({ name, kind, version }))).to.deep.include({
      name: "ionos-registry-token",
      kind: "resource",
      version: VERSION,
    });
    const installed = path.join(env.PULUMI_HOME!, "plugins", `resource-ionos-registry-token-v${VERSION}`);
    expect(readdirSync(installed).filter((f) => !f.startsWith("."))).to.deep.equal([
      "pulumi-resource-ionos-registry-token",
    ]);
  },

  /** docs/installation-configuration.md: the API token as a secret in both modes' config keys. */
  async "config-token-both-modes"(block, workspace) {
    const secret = `docs-${randomBytes(12).toString("hex")}`;
    const { dir, env } = await stackProject(workspace, "config-both");
    await workspace.bash(block.code, dir, { env: { ...env, IONOS_TOKEN: secret } });
    expectSecretConfig(dir, "ionoscloud:token", secret);
    expectSecretConfig(dir, "ionos-registry-token:token", secret);
    for (const key of ["ionoscloud:token", "ionos-registry-token:token"]) {
      expect((await workspace.bash(`pulumi config get ${key}`, dir, { env })).stdout.trim()).to.equal(secret);
    }
  },

  /** docs/plugin.md: the plugin's settings. */
  async "plugin-config"(block, workspace) {
    const secret = `docs-${randomBytes(12).toString("hex")}`;
    const { dir, env } = await stackProject(workspace, "plugin-config");
    await workspace.bash(block.code, dir, { env: { ...env, IONOS_TOKEN: secret } });
    const config = expectSecretConfig(dir, "ionos-registry-token:token", secret);
    expect(config).to.include("ionos-registry-token:endpoint: http://127.0.0.1:8080");
  },

  /** docs/plugin.md: the npm package installed outside any project, for its plugin executable. */
  async "plugin-npm-prefix"(block, workspace) {
    const code = fillIn(block.code, [["/path/to/ionos-registry-token-0.1.0.tgz", packedTarball()]]);
    await workspace.bash(code, workspace.home);
    const plugin = path.join(
      workspace.home,
      ".local/ionos-registry-token/node_modules/ionos-registry-token/bin/pulumi-resource-ionos-registry-token",
    );
    expect(statSync(plugin).mode & 0o111).to.not.equal(0);
    const schema = await workspace.bash(`pulumi package get-schema ${plugin}`, workspace.home);
    expect((JSON.parse(schema.stdout) as { name: string }).name).to.equal("ionos-registry-token");
  },

  /**
   * docs/installation-configuration.md: the package installed under ~/.local, its `pending` command run in a
   * project of the plugin (a YAML project with one token).
   */
  async "pending-global-install"(block, workspace) {
    const apiToken = `docs-${randomBytes(12).toString("hex")}`;
    const emulator = await workspace.emulator(apiToken);
    const project = await createModeProject({
      mode: "plugin",
      project: "docs-pending",
      passphrase: "docs",
      program:
        "resources:\n  pull:\n    type: ionos-registry-token:index:RegistryToken\n    properties:\n      registryId: ${registryId}\nconfig:\n  registryId:\n    type: string\n",
    });
    workspace.onDispose(() => project.dispose());
    await initStack(
      project,
      "plugin",
      { endpoint: emulator.url, apiToken },
      { registryId: emulator.registries[0].id },
    );
    await project.pulumi(["up", "--yes"]);
    const code = fillIn(block.code, [
      [`./${TARBALL}`, packedTarball()],
      ["IONOS_TOKEN=…", `IONOS_TOKEN=${apiToken}`],
    ]);
    // The first line runs where the reader is; the second "in the project".
    const run = await workspace.bash(
      code.replace(/\n(?=IONOS_TOKEN=)/, `\ncd ${project.projectDir}\n`),
      workspace.home,
      {
        env: workspace.env({ ...project.env, HOME: workspace.home, IONOS_API_URL: emulator.url }),
      },
    );
    expect(run.stdout).to.include("No pending operation of a RegistryToken in stack dev.");
  },

  /** docs/plugin.md: an SDK per language from the plugin's schema, in a clone with the package installed. */
  async "sdk-gen"(block, workspace) {
    const copy = await workspace.builtCopy();
    await workspace.bash(block.code, copy);
    expect(
      (JSON.parse(readFileSync(path.join(copy, "schema.json"), "utf8")) as { name: string }).name,
    ).to.equal("ionos-registry-token");
    expect(readdirSync(path.join(copy, "sdk/python"))).to.include.oneOf(["pyproject.toml", "setup.py"]);
    expect(readFileSync(path.join(copy, "sdks/ionos-registry-token/go.mod"), "utf8")).to.include("module ");
    expect(readdirSync(path.join(copy, "sdks/nodejs"))).to.include("package.json");
  },

  /** docs/emulator.md: the emulator from a clone, each command until it prints its ready line, then stopped. */
  async "emulator-from-clone"(block, workspace) {
    const copy = await workspace.repositoryCopy();
    const port = await freePort();
    const [first, second, third] = fillIn(block.code, [["8080", String(port)]]).split("\n");
    for (const [line, check] of [
      [
        first,
        (ready: { url: string; registries: Array<{ name: string; hostname: string }> }) => {
          expect(ready.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/containerregistries$/);
          expect(ready.registries.map((r) => [r.name, r.hostname])).to.deep.equal([
            ["demo", "demo.cr.ionos.com"],
          ]);
        },
      ],
      [
        second,
        (ready: { url: string; registries: Array<{ name: string }> }) => {
          expect(ready.url).to.equal(`http://127.0.0.1:${port}/containerregistries`);
          expect(ready.registries.map((r) => r.name)).to.deep.equal(["my-registry"]);
        },
      ],
    ] as const) {
      // A server runs until stopped: the recipe waits for its ready line, then sends SIGINT as Ctrl-C does.
      const running = workspace.start(line as string, copy, { errexit: false });
      await waitUntil(
        () => /^\{"url"/m.test(running.stdout()),
        300_000,
        `${line as string} printed its ready line`,
      );
      running.signal("SIGINT");
      const run = await running.finished;
      check(JSON.parse(/^\{"url".*$/m.exec(run.stdout)?.[0] ?? "null"));
      // The emulator says it stopped cleanly (npm's own exit status on Ctrl-C is npm's business).
      expect(run.stderr).to.include("emulator: SIGINT, stopping");
    }
    expect(existsSync(path.join(copy, ".emulator-data.json"))).to.equal(true);
    const exported = await workspace.bash(`${third}\nprintenv IONOS_API_URL`, copy);
    expect(exported.stdout.trim()).to.equal(`http://127.0.0.1:${port}`);
  },

  /** docs/emulator.md: --serve-registry, an image made offline, a push token from the API, a skopeo push. */
  async "serve-registry"(block, workspace) {
    requireRegistryTools();
    const dir = npmProject(workspace, "registry-user");
    copyFileSync(packedTarball(), path.join(dir, TARBALL));
    await workspace.bash(`npm install ./${TARBALL}`, dir);
    const port = await freePort();
    const code = fillIn(block.code, [
      ["8080", String(port)],
      ["<registry id>", "$(registry_id)"],
      ["127.0.0.1:40027/app:1", "$(registry_host)/app:1"],
    ]);
    // After the block, while the emulator still runs: the pushed manifest, read back with the same token.
    const check = `\necho "pushed: $(skopeo inspect --tls-verify=false --creds "$creds" --format '{{.Digest}}' docker://$(registry_host)/app:1)"`;
    const run = await workspace.bash(registryLookups(port, "dev-token") + code + check, dir);
    const written = JSON.parse(run.stdout.split("\n").find((l) => l.startsWith('{"image"')) as string) as {
      image: string;
      manifestDigest: string;
    };
    expect(written.image).to.equal("oci:./image:latest");
    expect(run.stdout).to.include(`pushed: ${written.manifestDigest}`);
    expect(run.stdout).to.match(/"hostname":"127\.0\.0\.1:\d+"/);
  },

  /** docs/adoption-import.md: a token made elsewhere adopted with import-file and pulumi import. */
  async "import-file"(block, workspace) {
    const apiToken = `docs-${randomBytes(12).toString("hex")}`;
    const emulator = await workspace.emulator(apiToken);
    const registryId = emulator.registries[0].id;
    // Made by another actor, as in the console.
    const made = (
      await new EmulatorApi(emulator.url, bearerAuth(apiToken)).createToken(registryId, { name: "ci-push" })
    ).json as { id: string };
    const project = await createModeProject({
      mode: "dynamic",
      project: "docs-adopt",
      passphrase: "docs",
      program: 'import "ionos-registry-token";\n',
    });
    workspace.onDispose(() => project.dispose());
    await project.pulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
    const code = fillIn(block.code, [
      ["IONOS_TOKEN=…", `IONOS_TOKEN=${apiToken}`],
      ["<registryId>/<tokenId>", `${registryId}/${made.id}`],
    ]);
    emulator.clearRequests();
    await workspace.bash(code, project.projectDir, {
      env: workspace.env({ ...project.env, HOME: workspace.home, IONOS_API_URL: emulator.url }),
    });
    const state = JSON.parse((await project.pulumi(["stack", "export"])).stdout) as {
      deployment: { resources: Array<{ type: string; id?: string; protect?: boolean }> };
    };
    const adopted = state.deployment.resources.filter(
      (r) => r.type.includes("RegistryToken") || r.type.includes("dynamic:Resource"),
    );
    expect(adopted.map((r) => [r.id, r.protect])).to.deep.equal([[`${registryId}/${made.id}`, true]]);
    expect(emulator.requests().filter((r) => r.method !== "GET")).to.deep.equal([]);
  },

  /** docs/contributing.md: the quickstart example against the emulator, from a clone. */
  async "example-quickstart"(block, workspace) {
    const copy = await workspace.repositoryCopy();
    const port = await freePort();
    const code = fillIn(block.code, [
      ["8080", String(port)],
      ["<registry id>", "$(registry_id)"],
    ]);
    const check = `\necho "outputs: $(pulumi stack output --json | jq -c .)"\necho "tokens: $(curl -s -H 'Authorization: Bearer dev-token' http://127.0.0.1:${port}/containerregistries/registries/$(registry_id)/tokens | jq -c '[.items[].properties.name]')"`;
    const run = await workspace.bash(registryLookups(port, "dev-token") + code + check, copy);
    const outputs = JSON.parse(/^outputs: (.*)$/m.exec(run.stdout)?.[1] ?? "{}") as Record<string, string>;
    expect(outputs.password).to.equal("[secret]");
    const tokens = JSON.parse(/^tokens: (.*)$/m.exec(run.stdout)?.[1] ?? "[]") as string[];
    expect(tokens).to.deep.equal([outputs.username]);
    expect(run.stdout).to.match(/\+ 2 created|2 created/);
  },

  /**
   * docs/reliability.md: after a `pulumi up` killed with a create in flight, `pending`, `pending --delete` and
   * `pulumi up` leave exactly the declared token, the orphan deleted.
   */
  async "pending-after-kill"(block, workspace) {
    const apiToken = `docs-${randomBytes(12).toString("hex")}`;
    const emulator = await workspace.emulator(apiToken);
    const proxy = await startSlowAnswerProxy(emulator.url);
    workspace.onDispose(() => proxy.close());
    const registryId = emulator.registries[0].id;
    const project = await createModeProject({
      mode: "dynamic",
      project: "docs-killed",
      passphrase: "docs",
      program: [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { RegistryToken } from "ionos-registry-token";',
        'new RegistryToken("pull", { registryId: new pulumi.Config().require("registryId") });',
        "",
      ].join("\n"),
    });
    workspace.onDispose(() => project.dispose());
    await initStack(project, "dynamic", { endpoint: proxy.url, apiToken }, { registryId });
    // The create reaches the API and lands; its answer is held until the run is killed.
    proxy.setRules([{ method: "POST", pathPrefix: "/containerregistries/registries", delayMs: 120_000 }]);
    const killed = await killPulumiWhen(project, "up", () => proxy.fired("/") === 1, "the create landed");
    const leftRunning: ProcessEntry[] = killed.started;
    workspace.onDispose(() => endAll(leftRunning));
    // The page says to end a leftover dynamic-provider host first.
    await endKilledRunProviders(killed);
    proxy.setRules([]);
    const orphan = emulator.admin.listTokens(registryId);
    expect(orphan).to.have.length(1);

    // Typed line by line: `pending` exits 2 while something needs a person, and the reader goes on.
    const run = await workspace.bash(block.code, project.projectDir, {
      env: workspace.env({
        ...project.env,
        HOME: workspace.home,
        IONOS_TOKEN: apiToken,
        IONOS_API_URL: emulator.url,
      }),
      errexit: false,
    });
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.include(orphan[0]!.id);
    const live = emulator.admin.listTokens(registryId);
    expect(live).to.have.length(1);
    expect(live[0]!.id).to.not.equal(orphan[0]!.id);
    const state = JSON.parse((await project.pulumi(["stack", "export"])).stdout) as {
      deployment: { resources: Array<{ type: string; id?: string }>; pending_operations?: unknown[] };
    };
    expect(state.deployment.pending_operations ?? []).to.deep.equal([]);
    expect(state.deployment.resources.filter((r) => r.id?.includes("/")).map((r) => r.id)).to.deep.equal([
      `${registryId}/${live[0]!.id}`,
    ]);
  },
};
