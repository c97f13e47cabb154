/**
 * The bench's result shapes, the printed table and `bench/results.json`.
 */
import { writeFileSync } from "fs";

/** One printed line: a figure, what it is compared with, and the verdict when a budget applies. */
export interface Row {
  section: string;
  metric: string;
  measured: string;
  /** The minimum, ideal or limit the figure is compared with. */
  reference?: string;
  /** measured ÷ reference, when both are numbers. */
  ratio?: number;
  /** Set only for rows that carry a budget. */
  pass?: boolean;
}

/** One budget of the issue: the figure, its limit, and whether it was met. */
export interface Budget {
  name: string;
  measured: string;
  limit: string;
  pass: boolean;
  /** Why a budget was missed (or what the figure means), when there is something to say. */
  note?: string;
}

/** What each section hands back: its table rows, its budgets, and raw figures for `results.json`. */
export interface SectionResult<T> {
  rows: Row[];
  budgets: Budget[];
  data: T;
}

/** Formats an integer with thousands separators for the table. */
export function int(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Formats milliseconds. */
export function ms(value: number): string {
  return `${int(value)} ms`;
}

/** Formats a byte count with its KiB value. */
export function bytes(value: number): string {
  return `${int(value)} B (${(value / 1024).toFixed(1)} KiB)`;
}

/** Renders rows as a fixed-width text table. */
export function renderTable(rows: readonly Row[]): string {
  const header = ["Section", "Metric", "Measured", "Reference", "Ratio", "Budget"];
  const cells = rows.map((r) => [
    r.section,
    r.metric,
    r.measured,
    r.reference ?? "",
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`,
    r.pass === undefined ? "" : r.pass ? "pass" : "FAIL",
  ]);
  return renderColumns(header, cells);
}

/** Renders a header and rows of cells as fixed-width, left-aligned columns under a rule. */
export function renderColumns(header: readonly string[], cells: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Renders the budget summary: one line per budget, with the reason when missed. */
export function renderBudgets(budgets: readonly Budget[]): string {
  return budgets
    .map(
      (b) =>
        `${b.pass ? "pass" : "FAIL"}  ${b.name}: ${b.measured} (budget ${b.limit})` +
        (b.note ? ` — ${b.note}` : ""),
    )
    .join("\n");
}

/** Writes the whole run as pretty JSON. */
export function writeResults(file: string, results: unknown): void {
  // The sample tokens carry the emulator's passwords; a results file is shared and pasted into notes, so it
  // keeps only whether there was one.
  const redacted = (key: string, value: unknown) =>
    key === "password" && value !== null && value !== "" ? "[redacted]" : value;
  writeFileSync(file, `${JSON.stringify(results, redacted, 2)}\n`);
}
