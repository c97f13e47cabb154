/** How `ionos-registry-token pending` shows its findings: a table for people, or JSON for scripts. */
import type { PendingRow, RunStart } from "./verdicts";

/** Everything one run of the command found and did. */
export interface PendingReport {
  /** The stack's name, or the export file's path. */
  stack: string;
  /** What bounds the interrupted run's start, when anything does. */
  runStart?: RunStart;
  /** Each pending operation of a `RegistryToken`, judged. */
  rows: PendingRow[];
  /** False when nothing was judged (a run may still hold the stack). */
  judged: boolean;
  /** Tokens deleted by `--delete`, as `<registryId>/<tokenId>`. */
  deleted: string[];
  /** Whether the stack's pending operations were cleared. */
  cleared: boolean;
  /** What is left for a person, one sentence each. */
  remaining: string[];
  /** Other things done or worth knowing, one sentence each. */
  notes: string[];
  /** What failed while acting (the exit status is then 1), one sentence each. */
  errors: string[];
}

const COLUMNS: Array<[string, (row: PendingRow) => string | undefined]> = [
  ["RESOURCE", (row) => row.resource],
  ["OPERATION", (row) => row.operation],
  ["TOKEN ID", (row) => row.tokenId],
  ["NAME", (row) => row.name],
  ["CREATED", (row) => row.createdDate],
  ["VERDICT", (row) => row.verdict],
];

/** The report as a table, each row's reason below it, then what was done and what is left. */
export function reportTable(report: PendingReport): string {
  const lines: string[] = [];
  if (!report.judged) {
    // Nothing judged: only what `remaining` says.
  } else if (report.rows.length === 0) {
    lines.push(`No pending operation of a RegistryToken in stack ${report.stack}.`);
  } else {
    const cells = report.rows.map((row) => COLUMNS.map(([, cell]) => cell(row) ?? "-"));
    const widths = COLUMNS.map(([title], i) =>
      Math.max(title.length, ...cells.map((c) => (c[i] as string).length)),
    );
    const line = (values: string[]) =>
      values
        .map((v, i) => v.padEnd(widths[i] as number))
        .join("  ")
        .trimEnd();
    lines.push(line(COLUMNS.map(([title]) => title)), ...cells.map(line), "");
    for (const row of report.rows) lines.push(`${row.resource}: ${row.reason}`);
  }
  if (report.runStart)
    lines.push(
      "",
      `The interrupted run began no earlier than ${new Date(report.runStart.at).toISOString()} ` +
        `(${report.runStart.source}).`,
    );
  for (const id of report.deleted) lines.push(`Deleted token ${id}.`);
  lines.push(...report.notes);
  if (report.cleared) lines.push(`Cleared the pending operations of ${report.stack}.`);
  lines.push(...report.remaining);
  lines.push(...report.errors.map((error) => `Error: ${error}`));
  return `${lines.join("\n")}\n`;
}

/** The report as one JSON document. */
export function reportJson(report: PendingReport): string {
  const runStart = report.runStart && {
    ...report.runStart,
    at: new Date(report.runStart.at).toISOString(),
  };
  return `${JSON.stringify({ ...report, runStart }, null, 2)}\n`;
}
