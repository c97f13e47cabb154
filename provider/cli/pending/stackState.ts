/**
 * The stack as `ionos-registry-token pending` reads and changes it: only through the user's own `pulumi` CLI
 * (so every backend and secrets provider works as it does for them), or a file from `pulumi stack export`.
 * Besides the deployment it finds what bounds when the interrupted run began: the stack's lock, which a killed
 * run leaves behind in a file backend, or else the end of the last completed update.
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { homedir, hostname, tmpdir, userInfo } from "os";
import * as path from "path";
import { processExists } from "../../lifecycle/processes";
import type { PendingOperation, RunStart, StateResource } from "./verdicts";

/** A `pulumi stack export` document (version 3), as far as this command reads and writes it. */
export interface StackExport {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: PendingOperation[];
    [key: string]: unknown;
  };
}

/** Where the stack comes from: the project in `cwd` (its selected stack, or `stack`), or an export file. */
export interface StackSource {
  cwd: string;
  stack?: string;
  stateFile?: string;
}

/** A lock a `pulumi` run holds on a stack of a file backend. */
export interface StackLock {
  /** The lock file. */
  file: string;
  /** The process that took it (NaN when the file does not say). */
  pid: number;
  /** The machine it was taken on. */
  hostname: string;
  /** When, in epoch milliseconds (NaN when the file does not say). */
  at: number;
  /** True when the process that took it provably no longer runs (same host, pid gone). */
  stale: boolean;
}

/** Runs `pulumi ARGS` in `cwd`; resolves with stdout, rejects with its stderr in the message. */
function pulumi(source: StackSource, args: string[]): Promise<string> {
  const stackArgs = source.stack ? ["--stack", source.stack] : [];
  return new Promise((resolve, reject) =>
    execFile(
      "pulumi",
      [...args, ...stackArgs, "--non-interactive"],
      { cwd: source.cwd, maxBuffer: 256 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`\`pulumi ${args.join(" ")}\` failed: ${(stderr || error.message).trim()}`))
          : resolve(stdout),
    ),
  );
}

/** The stack's names: as the user knows it (or the export file's path), and `org/project/stack`. */
export interface StackNames {
  short: string;
  /** Undefined for an export file. */
  qualified?: string;
}

/** The selected (or given) stack's names, from one `pulumi stack --show-name` call. */
export async function stackNames(source: StackSource): Promise<StackNames> {
  if (source.stateFile) return { short: source.stateFile };
  const qualified = (await pulumi(source, ["stack", "--show-name", "--fully-qualify-stack-names"])).trim();
  return { short: qualified.slice(qualified.lastIndexOf("/") + 1), qualified };
}

/** The stack's deployment, without decrypting a secret. */
export async function readStack(source: StackSource): Promise<StackExport> {
  const origin = source.stateFile ? `--state ${source.stateFile}` : "`pulumi stack export`";
  const text = source.stateFile
    ? readFileSync(source.stateFile, "utf8")
    : await pulumi(source, ["stack", "export"]);
  let parsed: StackExport;
  try {
    parsed = JSON.parse(text) as StackExport;
  } catch (error) {
    throw new Error(`${origin}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed?.deployment !== "object" || parsed.deployment === null)
    throw new Error(`${origin}: not a \`pulumi stack export\` document (it has no deployment)`);
  return parsed;
}

/** What can be known about runs on the stack. */
export type RunEvidence =
  /** A file backend: its locks are files this command reads (none: no run holds the stack). */
  | { backend: "file"; locks: StackLock[] }
  /** Any other backend (Pulumi Cloud, S3, …): whether a run is still going cannot be seen from here. */
  | { backend: "other"; url: string }
  /** An export file: no backend at all. */
  | { backend: "none" };

/**
 * The folder of a file backend, from the URL `pulumi whoami` prints, read as Pulumi reads it: `file://~`
 * is the home folder, a relative path counts from the project, and a query (`?no_tmp_dir=true`) is not part
 * of the path.
 */
export function fileBackendRoot(url: string, cwd: string): string {
  const bare = url.slice("file://".length).replace(/\?.*$/, "");
  if (bare === "~" || bare.startsWith("~/")) return path.join(homedir(), bare.slice(1));
  return path.resolve(cwd, bare);
}

interface LockFile {
  pid?: unknown;
  hostname?: unknown;
  username?: unknown;
  timestamp?: unknown;
}

/**
 * Every lock on the stack in a file backend (`<backend>/.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`,
 * written when a run starts and removed when it ends); for any other backend, only its URL.
 */
export async function runEvidence(source: StackSource, names: StackNames): Promise<RunEvidence> {
  if (source.stateFile || names.qualified === undefined) return { backend: "none" };
  const whoami = JSON.parse(await pulumi({ cwd: source.cwd }, ["whoami", "--json"])) as { url?: string };
  const url = whoami.url ?? "";
  if (!url.startsWith("file://")) return { backend: "other", url };
  const dir = path.join(fileBackendRoot(url, source.cwd), ".pulumi", "locks", ...names.qualified.split("/"));
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return { backend: "file", locks: [] };
  }
  const locks: StackLock[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    let lock: LockFile;
    try {
      lock = JSON.parse(readFileSync(file, "utf8")) as LockFile;
    } catch {
      lock = {};
    }
    const at = typeof lock.timestamp === "string" ? Date.parse(lock.timestamp) : NaN;
    const pid = typeof lock.pid === "number" ? lock.pid : NaN;
    const host = typeof lock.hostname === "string" ? lock.hostname : "";
    // Stale only when provably so: this machine (and user) took it, and its process is gone. A lock that
    // cannot be read counts as live.
    const mine = host === hostname() && lock.username === userInfo().username;
    locks.push({ file, pid, hostname: host, at, stale: mine && !Number.isNaN(pid) && !processExists(pid) });
  }
  return { backend: "file", locks };
}

/** One update of `pulumi stack history --json`. */
interface HistoryEntry {
  endTime?: string;
  startTime?: string;
  result?: string;
}

/**
 * The end of the last completed update (`pulumi stack history`): a moment before the interrupted run began.
 * Undefined when there is none, or when the latest update is still `in-progress` (a backend that records a
 * run as it starts: that run may be live).
 */
export async function lastUpdateEnd(source: StackSource): Promise<RunStart | undefined> {
  if (source.stateFile) return undefined;
  const history = JSON.parse(await pulumi(source, ["stack", "history", "--json"])) as HistoryEntry[];
  if (history[0]?.result === "in-progress") return undefined;
  const ends = history.map((h) => Date.parse(h.endTime ?? "")).filter((t) => !Number.isNaN(t));
  if (ends.length === 0) return undefined;
  return { at: Math.max(...ends), source: "the end of the last completed update", exact: false };
}

/** Ends provably stale locks with `pulumi cancel` (which, for a file backend, removes every lock). */
export async function clearStaleLocks(source: StackSource): Promise<void> {
  await pulumi(source, ["cancel", "--yes"]);
}

/**
 * Removes every pending operation from the stack. Through `pulumi stack import` of the export it was read
 * from: the backend's own secrets provider keeps every ciphertext as it was. With an export file, the file
 * is rewritten instead and the user imports it.
 */
export async function clearPendingOperations(source: StackSource, exported: StackExport): Promise<void> {
  const cleared: StackExport = {
    ...exported,
    deployment: { ...exported.deployment, pending_operations: [] },
  };
  const text = `${JSON.stringify(cleared, null, 2)}\n`;
  if (source.stateFile) {
    writeFileSync(source.stateFile, text);
    return;
  }
  // Another run may have written the stack since it was read; importing the old copy would undo that.
  const now = await readStack(source);
  if (JSON.stringify(now.deployment.resources ?? []) !== JSON.stringify(exported.deployment.resources ?? []))
    throw new Error(
      "the stack changed while this command ran (another run?): nothing was cleared. Run it again.",
    );
  const dir = mkdtempSync(path.join(tmpdir(), "ionos-registry-token-pending-"));
  try {
    const file = path.join(dir, "stack.json");
    writeFileSync(file, text, { mode: 0o600 });
    await pulumi(source, ["stack", "import", "--file", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
