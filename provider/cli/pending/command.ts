/**
 * `ionos-registry-token pending [--delete] [--json] [--stack NAME | --state FILE] [--since TIME]`: finds what a
 * killed `pulumi` left behind in a stack — each pending operation of a `RegistryToken`, with the live token
 * the API holds for it and a verdict — and, with `--delete`, deletes exactly the orphans and then clears the
 * stack's pending operations. Exit 0: nothing is left pending; 2: something needs a person; 1: a failure.
 *
 * It acts only on a run that is provably over: a file backend's lock whose process is gone on this machine,
 * no lock at all, or, for a backend whose runs it cannot see, the person's own `--since`.
 */
import { isIonosApiError, isNotFound } from "../../client/errors";
import type { WireToken } from "../../client/models";
import type { TokensApi } from "../../client/tokens";
import { resourceId } from "../../rules/mapping";
import { parseRfc3339 } from "../../rules/normalize";
import { reportJson, reportTable, type PendingReport } from "./report";
import {
  clearPendingOperations,
  clearStaleLocks,
  lastUpdateEnd,
  readStack,
  runEvidence,
  stackNames,
  type RunEvidence,
  type StackExport,
  type StackSource,
} from "./stackState";
import { judgePending, registryTokenOperations, type PendingRow, type RunStart } from "./verdicts";

/** The command's options, parsed. */
export interface PendingOptions extends StackSource {
  /** `--delete`: delete the orphans, then clear the pending operations. */
  delete: boolean;
  /** `--json`: the report as JSON. */
  json: boolean;
  /** `--since`: when the interrupted run began (RFC 3339 with an offset). */
  since?: string;
}

/** What the command needs from outside: the API (made only when a create must be looked up) and output. */
export interface PendingDeps {
  api: () => TokensApi;
  write: (text: string) => void;
  now?: () => number;
}

/** A failure of the command itself (exit 1), as opposed to something left for a person (exit 2). */
export class PendingUsageError extends Error {}

/** `--since`, strictly: an RFC 3339 date-time with an offset, not in the future. */
export function parseSince(text: string, now: number): number {
  const at = parseRfc3339(text);
  if (at === undefined)
    throw new PendingUsageError(
      `--since: "${text}" is not an RFC 3339 date and time with an offset (e.g. 2026-12-06T12:49:52Z)`,
    );
  if (at > now) throw new PendingUsageError(`--since: ${text} is in the future`);
  return at;
}

/** Runs the command; resolves with its exit code. Throws on failures before anything was changed. */
export async function runPending(options: PendingOptions, deps: PendingDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const since = options.since === undefined ? undefined : parseSince(options.since, now());
  const exported = await readStack(options);
  const pending = exported.deployment.pending_operations ?? [];
  const ours = registryTokenOperations(pending);
  const names = await stackNames(options);
  const runs = await runEvidence(options, names);
  const report: PendingReport = {
    stack: names.short,
    rows: [],
    judged: false,
    deleted: [],
    cleared: false,
    remaining: [],
    notes: [],
    errors: [],
  };
  const live = runs.backend === "file" ? runs.locks.filter((lock) => !lock.stale) : [];
  if (live.length > 0) {
    // A run that may still be going owns its pending operations: judge nothing, touch nothing.
    report.remaining.push(
      ...live.map(
        (lock) =>
          `A pulumi run holds the stack (lock ${lock.file}: pid ${lock.pid} on ${lock.hostname || "an unknown host"}` +
          `${Number.isNaN(lock.at) ? "" : `, since ${new Date(lock.at).toISOString()}`}), so its pending ` +
          "operations are its own. Run this again when it has ended; if it was killed on another machine, " +
          "`pulumi cancel` removes its lock (then pass --since with the time it began).",
      ),
    );
    deps.write(options.json ? reportJson(report) : reportTable(report));
    return 2;
  }
  report.runStart = await runStartOf(options, since, runs);
  let api: TokensApi | undefined;
  try {
    const tokensByRegistry = new Map<string, readonly WireToken[]>();
    for (const registryId of registriesOf(ours)) {
      api ??= deps.api();
      try {
        tokensByRegistry.set(registryId, await api.list(registryId));
      } catch (error) {
        // A registry that is gone leaves its creates unprovable; any other failure (credentials, network)
        // is the command's own, and stops it before anything changes.
        if (!isNotFound(error)) throw error;
        report.notes.push(`Registry ${registryId} could not be read: ${(error as Error).message}`);
      }
    }
    report.judged = true;
    report.rows = judgePending({
      pending,
      resources: exported.deployment.resources ?? [],
      tokensByRegistry,
      runStart: report.runStart,
    });
    if (options.delete) {
      try {
        await deleteOrphansThenClear(
          options,
          report,
          api,
          exported,
          pending.length - ours.length,
          runs,
          since,
        );
      } catch (error) {
        report.errors.push((error as Error).message);
      }
    } else if (pending.length > 0) {
      report.remaining.push(nextStep(report.rows, pending.length - ours.length));
    }
  } finally {
    api?.close();
  }
  deps.write(options.json ? reportJson(report) : reportTable(report));
  if (report.errors.length > 0) return 1;
  return report.cleared || pending.length === 0 ? 0 : 2;
}

function registriesOf(operations: ReturnType<typeof registryTokenOperations>): Set<string> {
  return new Set(
    operations
      .filter((op) => op.type === "creating")
      .map((op) => op.resource?.inputs?.registryId)
      .filter((id): id is string => typeof id === "string"),
  );
}

/**
 * The lower bound of the interrupted run's start: the later of `--since` and the dead run's lock (both the
 * run's own start), else the end of the last completed update.
 */
async function runStartOf(
  options: PendingOptions,
  since: number | undefined,
  runs: RunEvidence,
): Promise<RunStart | undefined> {
  const locked = runs.backend === "file" ? runs.locks.map((l) => l.at).filter((t) => !Number.isNaN(t)) : [];
  // Several dead runs' locks: the pending operations may come from the earliest.
  const lockedAt = locked.length > 0 ? Math.min(...locked) : undefined;
  if (since !== undefined && (lockedAt === undefined || since >= lockedAt))
    return { at: since, source: "--since", exact: true };
  if (lockedAt !== undefined)
    return { at: lockedAt, source: "the lock the interrupted run left on the stack", exact: true };
  return lastUpdateEnd(options);
}

function nextStep(rows: readonly PendingRow[], othersPending: number): string {
  const orphans = rows.filter((r) => r.verdict === "orphan").length;
  const unsure = rows.filter((r) => r.verdict === "unsure").length;
  const parts: string[] = [];
  if (orphans > 0) parts.push(`${orphans} orphan(s), which \`--delete\` deletes`);
  if (unsure > 0) parts.push(`${unsure} unsure, to check by hand as each reason says`);
  if (othersPending > 0)
    parts.push(`${othersPending} of other resource types, which this command does not judge`);
  const then =
    "`ionos-registry-token pending --delete` clears the pending operations once nothing is unsure; then " +
    "`pulumi up` converges.";
  return parts.length > 0 ? `Next: ${parts.join("; ")}. ${then}` : `Next: ${then}`;
}

/** `--delete`: deletes the orphans, then clears the pending operations when nothing else needs a person. */
async function deleteOrphansThenClear(
  options: PendingOptions,
  report: PendingReport,
  api: TokensApi | undefined,
  exported: StackExport,
  othersPending: number,
  runs: RunEvidence,
  since: number | undefined,
): Promise<void> {
  if (runs.backend === "other" && since === undefined) {
    report.remaining.push(
      `Nothing deleted: this backend (${runs.url}) keeps its runs where this command cannot see them, so it ` +
        "cannot prove the interrupted run is over. Once it is (`pulumi cancel` ends a run the backend still " +
        "shows as in progress), pass --since with the time it began.",
    );
    return;
  }
  for (const row of report.rows) {
    if (row.verdict !== "orphan" || api === undefined) continue;
    const id = resourceId(row.registryId as string, row.tokenId as string);
    try {
      await api.delete(row.registryId as string, row.tokenId as string);
      report.deleted.push(id);
    } catch (error) {
      if (isNotFound(error)) report.notes.push(`Token ${id} was already gone.`);
      else report.errors.push(`Deleting token ${id} failed: ${describe(error)}`);
    }
  }
  const unsure = report.rows.filter((r) => r.verdict === "unsure");
  const staleLock = runs.backend === "file" && runs.locks.length > 0;
  const cancelFirst = staleLock ? " (after `pulumi cancel`, which removes the dead run's lock)" : "";
  if (report.errors.length > 0) return;
  if (unsure.length > 0) {
    report.remaining.push(
      `Nothing cleared: ${unsure.map((r) => r.resource).join(", ")} need(s) a person (see above). Once each ` +
        "is resolved, run `ionos-registry-token pending --delete` again, or clear them with " +
        `\`pulumi refresh --clear-pending-creates\`${cancelFirst}.`,
    );
    return;
  }
  if (othersPending > 0) {
    report.remaining.push(
      `Nothing cleared: ${othersPending} pending operation(s) of other resource types remain, and Pulumi ` +
        `clears all or none. Resolve them, then \`pulumi refresh --clear-pending-creates\`${cancelFirst}.`,
    );
    return;
  }
  if (report.rows.length === 0) return;
  if (staleLock && !options.stateFile) {
    await clearStaleLocks(options);
    report.notes.push(
      "Removed the lock the interrupted run left (its process is gone) with `pulumi cancel`.",
    );
  }
  await clearPendingOperations(options, exported);
  report.cleared = true;
  if (options.stateFile)
    report.notes.push(
      `Rewrote ${options.stateFile} without pending operations: the stack changes when you import it ` +
        `(\`pulumi stack import --file ${options.stateFile}\`).`,
    );
}

function describe(error: unknown): string {
  return isIonosApiError(error) || error instanceof Error ? error.message : String(error);
}
