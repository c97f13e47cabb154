/**
 * `ionos-registry-token pending [--delete] [--json] [--stack NAME | --state FILE] [--since TIME]`: finds what a
 * killed `pulumi` left behind in a stack — each pending operation of a `RegistryToken`, with the live token
 * the API holds for it and a verdict — and, with `--delete`, deletes exactly the orphans and then clears the
 * stack's pending operations. Exit 0: nothing is left pending; 2: something needs a person; 1: a failure.
 */
import type { WireToken } from "../../client/models";
import { isNotFound } from "../../client/errors";
import type { TokensApi } from "../../client/tokens";
import { resourceId } from "../../rules/mapping";
import { reportJson, reportTable, type PendingReport } from "./report";
import {
  clearPendingOperations,
  clearStaleLock,
  findLock,
  lastUpdateEnd,
  readStack,
  stackName,
  type StackSource,
} from "./stackState";
import { judgePending, registryTokenOperations, type PendingRow, type RunStart } from "./verdicts";

/** The command's options, parsed. */
export interface PendingOptions extends StackSource {
  delete: boolean;
  json: boolean;
  /** `--since`: when the interrupted run began. */
  since?: string;
}

/** What the command needs from outside: the API (made only when a create must be looked up) and output. */
export interface PendingDeps {
  api: () => TokensApi;
  write: (text: string) => void;
}

/** Runs the command; resolves with its exit code. Throws on failures (the caller prints them, exit 1). */
export async function runPending(options: PendingOptions, deps: PendingDeps): Promise<number> {
  const exported = await readStack(options);
  const pending = exported.deployment.pending_operations ?? [];
  const ours = registryTokenOperations(pending);
  const lock = await findLock(options);
  if (lock !== undefined && !lock.stale)
    throw new Error(
      `A pulumi run holds the stack (pid ${lock.pid} on ${lock.hostname}, since ` +
        `${new Date(lock.at).toISOString()}): its pending operations are its own. Run this again when it has ` +
        "ended; if it was killed on another machine, `pulumi cancel` removes its lock.",
    );
  const runStart = await runStartOf(options, lock?.at);
  const creates = ours.filter((op) => op.type === "creating");
  const registries = new Set(
    creates.map((op) => op.resource.inputs?.registryId).filter((id): id is string => typeof id === "string"),
  );
  let api: TokensApi | undefined;
  const tokensByRegistry = new Map<string, readonly WireToken[]>();
  const unreadable: string[] = [];
  try {
    for (const registryId of registries) {
      api ??= deps.api();
      try {
        tokensByRegistry.set(registryId, await api.list(registryId));
      } catch (error) {
        unreadable.push(`Registry ${registryId} could not be read: ${(error as Error).message}`);
      }
    }
    const rows = judgePending({
      pending,
      resources: exported.deployment.resources ?? [],
      tokensByRegistry,
      runStart,
    });
    const report: PendingReport = {
      stack: await stackName(options),
      runStart,
      rows,
      deleted: [],
      cleared: false,
      remaining: [],
      notes: [...unreadable],
    };
    if (options.delete)
      await resolve(options, report, api, exported, pending.length - ours.length, lock?.stale);
    else if (rows.length > 0) report.remaining.push(nextStep(rows));
    deps.write(options.json ? reportJson(report) : reportTable(report));
    const leftPending = report.cleared ? 0 : pending.length;
    return leftPending === 0 ? 0 : 2;
  } finally {
    api?.close();
  }
}

async function runStartOf(
  options: PendingOptions,
  lockedAt: number | undefined,
): Promise<RunStart | undefined> {
  if (options.since !== undefined) {
    const at = Date.parse(options.since);
    if (Number.isNaN(at))
      throw new Error(`--since: "${options.since}" is not a date and time (e.g. 2026-12-06T12:49:52Z)`);
    return { at, source: "--since", exact: true };
  }
  if (lockedAt !== undefined)
    return { at: lockedAt, source: "the lock the interrupted run left on the stack", exact: true };
  return lastUpdateEnd(options);
}

function nextStep(rows: readonly PendingRow[]): string {
  const orphans = rows.filter((r) => r.verdict === "orphan").length;
  const unsure = rows.filter((r) => r.verdict === "unsure").length;
  const parts = [];
  if (orphans > 0) parts.push(`${orphans} orphan(s): \`ionos-registry-token pending --delete\` deletes them`);
  if (unsure > 0) parts.push(`${unsure} unsure: check each by hand as its reason says`);
  parts.push("then clears the pending operations, after which `pulumi up` converges");
  return `Next: ${parts.join("; ")}.`;
}

/** `--delete`: deletes the orphans, then clears the pending operations when nothing else needs a person. */
async function resolve(
  options: PendingOptions,
  report: PendingReport,
  api: TokensApi | undefined,
  exported: Parameters<typeof clearPendingOperations>[1],
  othersPending: number,
  staleLock: boolean | undefined,
): Promise<void> {
  for (const row of report.rows) {
    if (row.verdict !== "orphan" || api === undefined) continue;
    const registryId = row.registryId as string;
    const tokenId = row.tokenId as string;
    try {
      await api.delete(registryId, tokenId);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    report.deleted.push(resourceId(registryId, tokenId));
  }
  const unsure = report.rows.filter((r) => r.verdict === "unsure");
  if (unsure.length > 0) {
    report.remaining.push(
      `Nothing cleared: ${unsure.map((r) => r.resource).join(", ")} need(s) a person (see above). ` +
        "Once each is resolved, run `ionos-registry-token pending --delete` again, or clear them with " +
        "`pulumi refresh --clear-pending-creates`.",
    );
    return;
  }
  if (othersPending > 0) {
    report.remaining.push(
      `Nothing cleared: ${othersPending} pending operation(s) of other resource types remain, and Pulumi ` +
        "clears all or none. Resolve them, then `pulumi refresh --clear-pending-creates`.",
    );
    return;
  }
  if (report.rows.length === 0) return;
  if (staleLock) {
    await clearStaleLock(options);
    report.notes.push(
      "Removed the lock the interrupted run left (its process is gone) with `pulumi cancel`.",
    );
  }
  await clearPendingOperations(options, exported);
  report.cleared = true;
  if (options.stateFile)
    report.notes.push(
      `Rewrote ${options.stateFile}: import it with \`pulumi stack import --file ${options.stateFile}\`.`,
    );
}
