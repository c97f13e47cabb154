/**
 * Reading and atomically writing the state file. A write goes to a temporary file in the same folder,
 * is flushed to disk, then renamed over the target, so a crash leaves either the old or the new file,
 * never a half-written one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { StateSnapshot } from "../model/records";

/** The version written into the file; a file with another version is refused rather than guessed at. */
export const SNAPSHOT_VERSION = 1;

/**
 * Reads the state file. Returns an empty state when the file does not exist.
 * @throws Error when the file exists but is not a valid emulator state file (it is never overwritten then).
 */
export function readSnapshot(file: string): StateSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { registries: [], tokens: [] };
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`emulator state file ${file} is not valid JSON`);
  }
  return checkSnapshot(parsed, file);
}

/** Writes `state` to `file` atomically (temp file, fsync, rename); removes the temp file on failure. */
export function writeSnapshotAtomic(file: string, state: StateSnapshot): void {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const text = JSON.stringify({ version: SNAPSHOT_VERSION, ...state }, null, 2) + "\n";
  try {
    const fd = fs.openSync(temp, "w", 0o600);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

function checkSnapshot(value: unknown, file: string): StateSnapshot {
  const fail = (why: string): never => {
    throw new Error(`emulator state file ${file} is invalid: ${why}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const v = value as Record<string, unknown>;
  if (v.version !== SNAPSHOT_VERSION) fail(`unsupported version ${String(v.version)}`);
  if (!Array.isArray(v.registries) || !Array.isArray(v.tokens))
    return fail("registries/tokens must be arrays");
  const registryIds = new Set<string>();
  for (const r of v.registries as unknown[]) {
    requireStrings(r, ["id", "name", "location", "createdDate", "createdBy", "createdByUserId"], fail);
    registryIds.add((r as { id: string }).id);
  }
  for (const t of v.tokens as unknown[]) {
    requireStrings(
      t,
      ["id", "registryId", "name", "status", "createdDate", "createdBy", "createdByUserId"],
      fail,
    );
    const token = t as { registryId: string; scopes?: unknown; expiryDate?: unknown };
    if (!registryIds.has(token.registryId)) fail(`token of unknown registry ${token.registryId}`);
    if (!Array.isArray(token.scopes)) fail("token scopes must be an array");
    if (token.expiryDate !== null && typeof token.expiryDate !== "string") fail("bad token expiryDate");
  }
  return { registries: v.registries, tokens: v.tokens } as StateSnapshot;
}

function requireStrings(value: unknown, keys: readonly string[], fail: (why: string) => never): void {
  if (typeof value !== "object" || value === null) fail("a record is not an object");
  for (const key of keys) {
    if (typeof (value as Record<string, unknown>)[key] !== "string") fail(`a record lacks string '${key}'`);
  }
}
