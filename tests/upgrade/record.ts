/**
 * Records the upgrade baselines of one version:
 * `npm run record-baseline -- [--from <git-ref>] [--mode dynamic|plugin] [--force] [--out <scratch folder>]`.
 *
 * It checks out `<git-ref>` (default `HEAD`) in a temporary `git worktree`, installs and builds it there, and
 * with the real Pulumi CLI against an emulator on a fixed loopback port makes, in each mode, the stack that
 * `programs.ts` describes: `up`, a replacement, the adoption of a token another actor made, and a last `up`
 * that must change nothing. What the stack then holds is written to `tests/upgrade/baselines/<version>/<mode>/`
 * (see `baseline.ts`). The dynamic project installs the worktree's `npm pack` tarball as a user would; the
 * plugin project runs the worktree's plugin executable.
 *
 * Run it once per release, before anything changes how state is stored (RELEASING.md).
 */
import { execFileSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "util";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { apiWrites } from "../support/apiWrites";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { yamlLanguageHostDir } from "../support/generatedSdk";
import { requirePulumi } from "../support/pulumiCli";
import { npmPack } from "../support/userProject";
import { createModeProject, initStack, writeProgram, type ModeProject } from "../support/modeProject";
import {
  BASELINE_MODES,
  baselineDir,
  EMULATOR_PORTS,
  FILES,
  STACK,
  writeManifest,
  type BaselineManifest,
  type BaselineMode,
} from "./baseline";
import { ADOPTED_TOKEN, baselineProgram, TOKEN_RESOURCES, type RecordingStep } from "./programs";

/** The version under record: a worktree of the chosen commit, built, with its packed tarball. */
interface RecordedPackage {
  version: string;
  commit: string;
  tarball: string;
  /** The folder holding the worktree's plugin executable. */
  providerDir: string;
}

const PLUGIN_TOKEN_TYPE = "ionos-registry-token:index:RegistryToken";

function git(args: string[], cwd = REPO_ROOT): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
}

function run(command: string, args: string[], cwd: string): void {
  console.error(`$ ${command} ${args.join(" ")}   (in ${cwd})`);
  execFileSync(command, args, { cwd, stdio: ["ignore", process.stderr, process.stderr] });
}

/** Builds the package of `commit` in a worktree under `root`. */
function preparePackage(commit: string, root: string): RecordedPackage {
  const worktree = path.join(root, "worktree");
  run("git", ["worktree", "add", "--detach", worktree, commit], REPO_ROOT);
  run("npm", ["ci", "--no-audit", "--no-fund"], worktree);
  run("npm", ["run", "build"], worktree);
  const version = (
    JSON.parse(readFileSync(path.join(worktree, "package.json"), "utf8")) as { version: string }
  ).version;
  return {
    version,
    commit,
    tarball: npmPack(worktree),
    providerDir: path.join(worktree, "bin"),
  };
}

/** `pulumi stack output --json`, with or without secrets. */
async function outputs(project: ModeProject, showSecrets: boolean): Promise<Record<string, unknown>> {
  const args = ["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])];
  return JSON.parse((await project.pulumi(args)).stdout) as Record<string, unknown>;
}

/** Fails the recording unless the API saw exactly `expected` writes (in any order) since the log was cleared. */
function expectWrites(emulator: RunningEmulator, step: string, expected: string[]): void {
  const seen = apiWrites(emulator);
  if ([...seen].sort().join(",") !== [...expected].sort().join(","))
    throw new Error(`${step}: expected API writes ${JSON.stringify(expected)}, saw ${JSON.stringify(seen)}`);
  emulator.clearRequests();
}

/** Records one mode's baseline into `target`. */
async function recordMode(
  mode: BaselineMode,
  pkg: RecordedPackage,
  target: string,
  work: string,
): Promise<void> {
  const project = `upgrade-${mode}`;
  const passphrase = `upgrade-${randomBytes(8).toString("hex")}`;
  const apiToken = `upgrade-api-${randomBytes(12).toString("hex")}`;
  const seed = `seed-${randomBytes(12).toString("hex")}`;
  const dataFile = path.join(work, `${mode}-emulator.json`);
  const emulator = await startEmulator({
    port: EMULATOR_PORTS[mode],
    credentials: { token: apiToken },
    registries: [{ name: project }],
    dataFile,
  });
  let sandbox: ModeProject | undefined;
  try {
    const registryId = emulator.registries[0].id;
    const write = (step: RecordingStep) => writeProgram(sandbox!, mode, baselineProgram(mode, step));
    sandbox = await createModeProject({
      mode,
      project,
      passphrase,
      program: baselineProgram(mode, "initial"),
      ...(mode === "dynamic"
        ? { tarball: pkg.tarball }
        : { plugins: { providerDir: pkg.providerDir, yamlHostDir: yamlLanguageHostDir() } }),
    });
    const pulumi = sandbox.pulumi;
    await initStack(sandbox, mode, { endpoint: emulator.url, apiToken }, { registryId });
    await pulumi(["config", "set", "--secret", "seed"], { input: seed });

    // Another actor makes the token the stack adopts later.
    const made = await new EmulatorApi(emulator.url, bearerAuth(apiToken)).request(
      "POST",
      `/registries/${registryId}/tokens`,
      { body: { properties: ADOPTED_TOKEN } },
    );
    if (made.status !== 201) throw new Error(`the second actor's POST answered ${made.status}`);
    const adoptedId = `${registryId}/${made.json.id as string}`;
    emulator.clearRequests();

    await pulumi(["up", "--yes"], { show: true });
    expectWrites(emulator, "initial up", Array(5).fill("POST 201"));

    write("replaced");
    await pulumi(["up", "--yes"], { show: true });
    expectWrites(emulator, "replacing up", ["POST 201", "DELETE 204"]);

    if (mode === "dynamic") {
      if (sandbox.npx === undefined) throw new Error("a dynamic-mode project has npx");
      await sandbox.npx(
        ["ionos-registry-token", "import-file", adoptedId, "--name", "adopted", "--out", "import.json"],
        { env: { IONOS_TOKEN: apiToken, IONOS_API_URL: emulator.url } },
      );
      await pulumi(["import", "--file", "import.json", "--generate-code=false", "--yes"], { show: true });
      rmSync(path.join(sandbox.projectDir, "import.json"));
    } else {
      await pulumi(["import", PLUGIN_TOKEN_TYPE, "adopted", adoptedId, "--generate-code=false", "--yes"], {
        show: true,
      });
    }
    write("adopted");
    await pulumi(["up", "--yes"], { show: true });
    await pulumi(["preview", "--expect-no-changes"], { show: true });
    expectWrites(emulator, "adopting", []);

    const shown = await outputs(sandbox, false);
    const plain = await outputs(sandbox, true);
    const secretOutputSha256: Record<string, string> = {};
    for (const [key, value] of Object.entries(shown))
      if (JSON.stringify(value) !== JSON.stringify(plain[key]))
        secretOutputSha256[key] = createHash("sha256").update(JSON.stringify(plain[key])).digest("hex");
    const tokenOutputs = plain.tokens as Record<string, { tokenId: string }>;
    const tokens = Object.fromEntries(TOKEN_RESOURCES.map((name) => [name, tokenOutputs[name].tokenId]));

    const exported = (await pulumi(["stack", "export"])).stdout;
    if (exported.includes(apiToken)) throw new Error("the exported stack holds the API token in plain text");
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, FILES.stack), exported);
    copyFileSync(path.join(sandbox.projectDir, FILES.config), path.join(target, FILES.config));
    copyFileSync(path.join(sandbox.projectDir, FILES.program[mode]), path.join(target, FILES.program[mode]));
    await emulator.close();
    copyFileSync(dataFile, path.join(target, FILES.emulatorData));
    const manifest: BaselineManifest = {
      version: pkg.version,
      commit: pkg.commit,
      mode,
      recordedAt: new Date().toISOString(),
      tools: {
        pulumi: execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim(),
        node: process.version,
      },
      project,
      stack: STACK,
      passphrase,
      apiToken,
      endpoint: emulator.url,
      registryId,
      secretConfig: { seed },
      outputs: shown,
      secretOutputSha256,
      tokens,
    };
    writeManifest(target, manifest);
    console.error(`recorded ${target}`);
  } finally {
    sandbox?.dispose();
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: "string", default: "HEAD" },
      mode: { type: "string", multiple: true },
      force: { type: "boolean", default: false },
      // A scratch folder instead of tests/upgrade/baselines, to try the recorder without touching a baseline.
      out: { type: "string" },
    },
  });
  const modes = (values.mode ?? BASELINE_MODES) as BaselineMode[];
  for (const mode of modes)
    if (!BASELINE_MODES.includes(mode)) throw new Error(`--mode must be one of ${BASELINE_MODES.join(", ")}`);
  requirePulumi();
  const commit = git(["rev-parse", `${values.from}^{commit}`]);
  const work = mkdtempSync(path.join(tmpdir(), "ionos-baseline-"));
  try {
    const pkg = preparePackage(commit, work);
    for (const mode of modes) {
      const target = baselineDir(
        pkg.version,
        mode,
        values.out === undefined ? undefined : path.resolve(values.out),
      );
      if (existsSync(target) && !values.force)
        throw new Error(`${target} exists: a release's baseline is recorded once (--force replaces it)`);
      rmSync(target, { recursive: true, force: true });
      await recordMode(mode, pkg, target, work);
    }
  } finally {
    try {
      run("git", ["worktree", "remove", "--force", path.join(work, "worktree")], REPO_ROOT);
    } catch {
      // Nothing to remove when the worktree was never made.
    }
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
