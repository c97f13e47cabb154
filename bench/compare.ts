/**
 * The side-by-side summary of the two modes, from figures measured in the same run: state bytes per token,
 * requests per operation, and each scale run's phases.
 */
import type { RequestCount } from "./requests";
import type { PhaseName, ScaleData } from "./scale";
import type { StateSizeData } from "./stateSize";
import { bytes, int, ms, renderColumns } from "./report";

/** One line of the summary. */
export interface ComparisonRow {
  metric: string;
  dynamic: string;
  plugin: string;
  /** plugin ÷ dynamic, where both sides are one number. */
  ratio?: number;
}

/** What the summary is made from; a section that failed is missing. */
export interface ComparisonInput {
  requests: { dynamic?: readonly RequestCount[]; plugin?: readonly RequestCount[] };
  state?: StateSizeData;
  /** One entry per N, in the order measured. */
  scale: ReadonlyArray<{ n: number; dynamic?: ScaleData; plugin?: ScaleData }>;
}

/**
 * The operations of the happy path, dynamic name and plugin name. A dynamic-provider host is never sent a
 * create preview (it does not support previews); its preview of a change is check and diff only.
 */
const OPERATIONS: ReadonlyArray<{ label: string; dynamic?: string; plugin: string }> = [
  { label: "check", dynamic: "check", plugin: "check" },
  { label: "create preview", plugin: "create preview" },
  { label: "create", dynamic: "create", plugin: "create" },
  { label: "diff", dynamic: "diff", plugin: "diff" },
  { label: "preview of a change", dynamic: "preview", plugin: "update preview" },
  { label: "read (refresh)", dynamic: "read", plugin: "read" },
  { label: "update", dynamic: "update", plugin: "update" },
  { label: "delete", dynamic: "delete", plugin: "delete" },
];

const LIFECYCLE: readonly PhaseName[] = ["create", "refresh", "update", "delete"];

const MISSING = "n/a";

/** Builds the summary's rows. */
export function compareModes(input: ComparisonInput): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const { state } = input;
  rows.push({
    metric: "state bytes per token (secrets sealed)",
    dynamic: state ? bytes(state.dynamic.bytes) : MISSING,
    plugin: state ? bytes(state.plugin.bytes) : MISSING,
    ...(state ? { ratio: state.plugin.bytes / state.dynamic.bytes } : {}),
  });
  rows.push({
    metric: "  without __provider",
    dynamic: state ? bytes(state.dynamic.withoutProvider) : MISSING,
    plugin: state ? bytes(state.plugin.withoutProvider) : MISSING,
    ...(state ? { ratio: state.plugin.withoutProvider / state.dynamic.withoutProvider } : {}),
  });

  const requestsOf = (counts: readonly RequestCount[] | undefined, operation: string | undefined): string => {
    if (operation === undefined) return "not sent";
    const count = counts?.find((c) => c.operation === operation);
    return count ? `${count.measured} (min ${count.minimum})` : MISSING;
  };
  for (const op of OPERATIONS) {
    rows.push({
      metric: `requests: ${op.label}`,
      dynamic: requestsOf(input.requests.dynamic, op.dynamic),
      plugin: requestsOf(input.requests.plugin, op.plugin),
    });
  }

  for (const { n, dynamic, plugin } of input.scale) {
    const phaseOf = (data: ScaleData | undefined, phase: PhaseName) =>
      data?.phases.find((p) => p.phase === phase);
    for (const phase of LIFECYCLE) {
      const d = phaseOf(dynamic, phase);
      const p = phaseOf(plugin, phase);
      const cell = (x: typeof d): string => (x ? `${ms(x.wallMs)} = ${x.ratio.toFixed(2)}× ideal` : MISSING);
      rows.push({
        metric: `N=${n} ${phase} (ideal ${ms(d?.idealMs ?? p?.idealMs ?? NaN)})`,
        dynamic: cell(d),
        plugin: cell(p),
        ...(d && p ? { ratio: p.wallMs / d.wallMs } : {}),
      });
    }
    const totals = (data: ScaleData | undefined): string => {
      if (!data) return MISSING;
      const phases = data.phases.filter((p) => LIFECYCLE.includes(p.phase));
      const requests = phases.reduce((sum, p) => sum + p.requests, 0);
      const failures = phases.reduce((sum, p) => sum + p.failures, 0);
      return `${int(requests)} req, ${failures} failed`;
    };
    rows.push({
      metric: `N=${n} requests, failures (4 phases)`,
      dynamic: totals(dynamic),
      plugin: totals(plugin),
    });
    const rss = (data: ScaleData | undefined): string =>
      data?.memory?.peakKiB === undefined ? MISSING : `${(data.memory.peakKiB / 1024).toFixed(1)} MiB`;
    rows.push({
      metric: `N=${n} peak RSS (host | plugin process)`,
      dynamic: rss(dynamic),
      plugin: rss(plugin),
      ...(dynamic?.memory?.peakKiB && plugin?.memory?.peakKiB
        ? { ratio: plugin.memory.peakKiB / dynamic.memory.peakKiB }
        : {}),
    });
  }
  return rows;
}

/** Renders the summary as a fixed-width text table. */
export function renderComparison(rows: readonly ComparisonRow[]): string {
  const header = ["Metric", "Dynamic", "Plugin", "Plugin ÷ dynamic"];
  const cells = rows.map((r) => [
    r.metric,
    r.dynamic,
    r.plugin,
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`,
  ]);
  return renderColumns(header, cells);
}
