/**
 * The stack as `ionos-registry-token pending` reads and changes it: only through the user's own `pulumi` CLI
 * (so every backend and secrets provider works as it does for them), or a file from `pulumi stack export`.
 * Besides the deployment it finds what bounds when the interrupted run began: the stack's lock, which a killed
 * run leaves behind in a file backend, or else the end of the last completed update.
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { hostname, tmpdir } from "os";
import * as path from "path";
import { fileURLToPath } from "url";
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
  file: string;
  pid: number;
  hostname: string;
  /** Epoch milliseconds. */
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

/** The stack's name as the user knows it: the selected (or given) stack's, or the export file's path. */
export async function stackName(source: StackSource): Promise<string> {
  return source.stateFile ?? (await pulumi(source, ["stack", "--show-name"])).trim();
}

/** The stack's deployment, without decrypting a secret. */
export async function readStack(source: StackSource): Promise<StackExport> {
  const text = source.stateFile
    ? readFileSync(source.stateFile, "utf8")
    : await pulumi(source, ["stack", "export"]);
  const parsed = JSON.parse(text) as StackExport;
  if (typeof parsed?.deployment !== "object" || parsed.deployment === null)
    throw new Error("not a `pulumi stack export` document (no deployment)");
  return parsed;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The lock on the stack in a file backend (`<backend>/.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`,
 * written when a run starts and removed when it ends), or undefined: another backend, or no lock.
 */
export async function findLock(source: StackSource): Promise<StackLock | undefined> {
  if (source.stateFile) return undefined;
  const whoami = JSON.parse(await pulumi({ cwd: source.cwd }, ["whoami", "--json"])) as { url?: string };
  if (!whoami.url?.startsWith("file://")) return undefined;
  const qualified = (await pulumi(source, ["stack", "--show-name", "--fully-qualify-stack-names"])).trim();
  const root = fileURLToPath(whoami.url.replace(/\?.*$/, ""));
  const dir = path.join(root, ".pulumi", "locks", ...qualified.split("/"));
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return undefined;
  }
  for (const file of files) {
    const lock = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as {
      pid?: number;
      hostname?: string;
      timestamp?: string;
    };
    const at = Date.parse(lock.timestamp ?? "");
    if (typeof lock.pid !== "number" || Number.isNaN(at)) continue;
    const sameHost = lock.hostname === hostname();
    return {
      file: path.join(dir, file),
      pid: lock.pid,
      hostname: lock.hostname ?? "",
      at,
      stale: sameHost && !processRuns(lock.pid),
    };
  }
  return undefined;
}

/** The end of the last completed update (`pulumi stack history`), a moment before the interrupted run began. */
export async function lastUpdateEnd(source: StackSource): Promise<RunStart | undefined> {
  if (source.stateFile) return undefined;
  const history = JSON.parse(await pulumi(source, ["stack", "history", "--json"])) as Array<{
    endTime?: string;
    startTime?: string;
    result?: string;
  }>;
  const latest = history[0];
  // A backend that records runs as they start shows the interrupted one itself (never completed).
  if (latest?.result === "in-progress" && latest.startTime)
    return { at: Date.parse(latest.startTime), source: "the stack's update history", exact: true };
  const ends = history.map((h) => Date.parse(h.endTime ?? "")).filter((t) => !Number.isNaN(t));
  if (ends.length === 0) return undefined;
  return { at: Math.max(...ends), source: "the end of the last completed update", exact: false };
}

/** Ends a provably stale lock with `pulumi cancel` (which, for a file backend, removes the lock). */
export async function clearStaleLock(source: StackSource): Promise<void> {
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
  const dir = mkdtempSync(path.join(tmpdir(), "ionos-registry-token-pending-"));
  try {
    const file = path.join(dir, "stack.json");
    writeFileSync(file, text, { mode: 0o600 });
    await pulumi(source, ["stack", "import", "--file", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
