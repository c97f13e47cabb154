/**
 * Upgrade baselines: stacks recorded with a released version of this package, kept in the repository so that
 * every later version is tested against the state users' stacks really hold (`tests/upgrade/baselines/`).
 *
 * One baseline is a folder `baselines/<version>/<mode>/` with:
 * - `manifest.json` — what the replay needs besides the files below ({@link BaselineManifest});
 * - `stack.json` — `pulumi stack export` of the recorded stack (secrets as ciphertext);
 * - `Pulumi.dev.yaml` — the stack's config file (its `encryptionsalt` and the encrypted API token);
 * - `emulator.json` — the emulator's `--data` file at the end of the recording;
 * - the program, unchanged since the recording: `index.ts` (dynamic mode) or `Main.yaml` (plugin mode; the
 *   project file that names the local plugin and language host is written by whoever runs it).
 *
 * The recording (`npm run record-baseline`, see `record.ts`) and the replay (`upgrade.test.ts`) share the
 * layout and the manifest from here, and lay out each mode's project with `tests/support/modeProject.ts`.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { MODES, PROGRAM_FILE, type Mode } from "../support/modeProject";

/** The folder holding one folder per recorded version. */
export const BASELINES_DIR = path.join(REPO_ROOT, "tests", "upgrade", "baselines");

/** The two ways a program uses `RegistryToken` (`tests/support/modeProject.ts`). */
export type BaselineMode = Mode;

/** Every mode, in the order baselines are recorded and replayed. */
export const BASELINE_MODES: readonly BaselineMode[] = MODES;

/** The stack every baseline records. */
export const STACK = "dev";

/** File names inside a baseline folder. */
export const FILES = {
  manifest: "manifest.json",
  stack: "stack.json",
  config: `Pulumi.${STACK}.yaml`,
  emulatorData: "emulator.json",
  program: PROGRAM_FILE,
} as const;

/**
 * The fixed loopback port of each mode's emulator. The state stores the provider settings of the last `up`
 * (the endpoint among them) and `refresh`/`destroy` use those, so a replay serves the recorded data at the
 * recorded address. Below Linux's ephemeral range (32768–60999), where no client socket lands by chance.
 */
export const EMULATOR_PORTS: Record<BaselineMode, number> = { dynamic: 28741, plugin: 28742 };

/** What a replay needs to know about a recording, besides its files. */
export interface BaselineManifest {
  /** The package version that recorded it. */
  version: string;
  /** The commit the package was built from. */
  commit: string;
  mode: BaselineMode;
  /** When it was recorded (ISO). */
  recordedAt: string;
  /** `pulumi version` and `node --version` of the recording. */
  tools: { pulumi: string; node: string };
  /** The Pulumi project name (URNs carry it). */
  project: string;
  stack: string;
  /** The passphrase of the stack's secrets provider (test data, not a credential of anything real). */
  passphrase: string;
  /** The API token the emulator accepted, also stored (encrypted) in the stack's provider settings. */
  apiToken: string;
  /** The emulator's API URL, as the stack config holds it. */
  endpoint: string;
  /** The registry every token belongs to. */
  registryId: string;
  /** The secret stack config values in plain text (test data), for scanning state files. */
  secretConfig: Record<string, string>;
  /** The stack outputs as `pulumi stack output --json` shows them (secrets as "[secret]"). */
  outputs: Record<string, unknown>;
  /** The SHA-256 (hex) of each secret stack output's JSON text as `--show-secrets` shows it. */
  secretOutputSha256: Record<string, string>;
  /** The resource names in the stack's program, with the API's token id each one manages. */
  tokens: Record<string, string>;
}

/** One recorded baseline: its folder and manifest. */
export interface Baseline {
  dir: string;
  manifest: BaselineManifest;
}

/** The folder of a baseline (under `root`, by default the repository's baselines). */
export function baselineDir(version: string, mode: BaselineMode, root = BASELINES_DIR): string {
  return path.join(root, version, mode);
}

/** Every recorded baseline, oldest version first. */
export function listBaselines(): Baseline[] {
  const versions = readdirSync(BASELINES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort(compareVersions);
  const found: Baseline[] = [];
  for (const version of versions) {
    for (const mode of BASELINE_MODES) {
      const dir = baselineDir(version, mode);
      let text: string;
      try {
        text = readFileSync(path.join(dir, FILES.manifest), "utf8");
      } catch {
        continue;
      }
      found.push({ dir, manifest: JSON.parse(text) as BaselineManifest });
    }
  }
  return found;
}

/** Writes a manifest as the recorder does (stable key order, a final newline). */
export function writeManifest(dir: string, manifest: BaselineManifest): void {
  writeFileSync(path.join(dir, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => Number(p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Number.isNaN(diff) ? a.localeCompare(b) : diff;
  }
  return 0;
}

/** Copies a file from a baseline folder into a project folder (same name). */
export function copyInto(fromDir: string, toDir: string, file: string): void {
  copyFileSync(path.join(fromDir, file), path.join(toDir, file));
}
