/**
 * `npm run bench [-- --quick]`: measures what each lifecycle step of `RegistryToken` costs against the
 * emulator in both modes — through Pulumi's own dynamic-provider host, and through the provider plugin over
 * gRPC — prints a table and the two modes side by side, writes `bench/results.json`, and exits non-zero when a
 * budget is missed. `--quick` (for CI) runs the scale sections with N = 100 only and shortens the rate-limit
 * run. Two runs that judge nothing: `--profile [N]` writes V8 tick profiles of both modes and their floors and
 * counts them by layer (`profile.ts`); `--what-if-http-request` runs the rounds against the floor with node-fetch
 * replaced by `http.request` (`probes/httpRequestFetch.ts`).
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { cpus, loadavg } from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../tests/support/providerHost";
import { registerToken } from "../tests/support/serializedProvider";
import { measureColdStart } from "./coldStart";
import { measurePluginColdStart } from "./pluginColdStart";
import { compareModes, renderComparison, type ComparisonInput } from "./compare";
import { nowMs } from "./harness";
import { measureProviderSize } from "./providerSize";
import { measureRateLimit } from "./rateLimit";
import {
  renderBudgets,
  renderTable,
  writeResults,
  type Budget,
  type Row,
  type SectionResult,
} from "./report";
import { measurePluginRequests, measureRequests } from "./requests";
import { measureScale, memoryBudgets, WARM_UP_TOKENS, type ScaleData } from "./scale";
import { measureAgainstFloor } from "./againstFloor";
import { measureStateSizes } from "./stateSize";
import { BIG_STACK_N, BIG_STACK_PROFILE_DIR, measureBigStack, profileBigStack } from "./bigStack";
import { profileBothModes, renderProfiles } from "./profile";

/** What a run measures; `--quick` picks the smaller plan. */
interface Plan {
  mode: "quick" | "full";
  coldStarts: number;
  scaleSizes: number[];
  /** Tokens per phase in the rounds against the floor. */
  floorTokens: number;
  rateLimit: { requestsPerSecond: number; operations: number };
  /**
   * Node versions, besides this one, whose memory the scale sections measure too (both processes run on that
   * Node): V8's heap sizing differs between lines, and the budgets must hold on each one users run.
   */
  otherNodes: string[];
  /** Whether to run the big stacks through the real CLI (`bigStack.ts`, about 7 minutes). */
  bigStack: boolean;
}

const PLANS: Record<Plan["mode"], Plan> = {
  quick: {
    mode: "quick",
    coldStarts: 3,
    scaleSizes: [100],
    floorTokens: 400,
    rateLimit: { requestsPerSecond: 20, operations: 100 },
    otherNodes: [],
    bigStack: false,
  },
  full: {
    mode: "full",
    coldStarts: 5,
    scaleSizes: [100, 1000],
    floorTokens: 1000,
    rateLimit: { requestsPerSecond: 20, operations: 300 },
    otherNodes: [ciOtherNodes()[0]],
    bigStack: true,
  },
};

/**
 * The Node lines CI runs besides its main one (.ci/run's `OTHER_NODES`, e.g. 22.23.5): the memory budgets hold
 * on the first of them too, whose binary scripts/ensure-node.sh provides.
 */
function ciOtherNodes(): string[] {
  const ci = readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8");
  const list = /^OTHER_NODES=\(([^)]*)\)$/m.exec(ci)?.[1].trim().split(/\s+/);
  if (!list?.length) throw new Error(".ci/run names no OTHER_NODES");
  return list;
}

/** The bin folder of Node `version` (scripts/ensure-node.sh fetches it into its cache the first time). */
function ensureNode(version: string): string {
  const output = execFileSync("bash", [path.join(PROJECT_ROOT, "scripts", "ensure-node.sh"), version], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return output.trim().split("\n").pop() ?? "";
}

/** `RegistryToken` as the bench registers it: one pull scope, a placeholder registry (each section sets its own). */
function registerBenchToken(): ReturnType<typeof registerToken> {
  return registerToken("bench", {
    registryId: "00000000-0000-4000-8000-000000000000",
    scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
  });
}

/** Where the results go. */
const RESULTS_FILE = path.join(PROJECT_ROOT, "bench", "results.json");

const USAGE =
  "usage: npm run bench [-- --quick | --profile [N] | --profile-big-stack [N] | --what-if-http-request]";

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--profile") return profile(argv.slice(1));
  if (argv[0] === "--profile-big-stack") return profileBig(argv.slice(1));
  if (argv[0] === "--what-if-http-request" && argv.length === 1) return whatIfHttpRequest();
  const unknown = argv.filter((a) => a !== "--quick");
  if (unknown.length > 0) {
    process.stderr.write(`${USAGE}  (unknown: ${unknown.join(" ")})\n`);
    return 2;
  }
  const plan = PLANS[argv.includes("--quick") ? "quick" : "full"];
  // Other work on the machine shows in every timing; the load average says how much there was.
  const loadBefore = loadavg()[0];
  const started = nowMs();
  const rows: Row[] = [];
  const budgets: Budget[] = [];
  const sections: Record<string, unknown> = {};
  const run = async <T>(name: string, measure: () => Promise<SectionResult<T>>): Promise<T | undefined> => {
    process.stderr.write(`bench: ${name}…\n`);
    try {
      const result = await measure();
      rows.push(...result.rows);
      budgets.push(...result.budgets);
      sections[name] = result.data;
      return result.data;
    } catch (error) {
      const message = (error as Error).stack ?? String(error);
      budgets.push({ name: `${name} ran`, measured: "error", limit: "no error", pass: false, note: message });
      sections[name] = { error: message };
      return undefined;
    }
  };

  const registered = await registerBenchToken();
  const requests = await run("requests", () => measureRequests(registered));
  const pluginRequests = await run("pluginRequests", () => measurePluginRequests(registered));
  if (requests) await run("providerSize", () => measureProviderSize(registered, requests.sample));
  const state =
    requests && pluginRequests
      ? await run("stateSize", async () =>
          measureStateSizes(registered, requests.sample, pluginRequests.sample),
        )
      : undefined;
  await run("coldStart", () => measureColdStart(registered, plan.coldStarts));
  await run("pluginColdStart", () => measurePluginColdStart(plan.coldStarts));
  const scale: ComparisonInput["scale"][number][] = [];
  const nodes = [
    { path: process.execPath, version: process.version, suffix: "" },
    ...plan.otherNodes.map((version) => ({
      path: path.join(ensureNode(version), "node"),
      version: `v${version}`,
      suffix: `-node${version.split(".")[0]}`,
    })),
  ];
  for (const node of nodes) {
    const runs: Record<"dynamic" | "plugin", ScaleData[]> = { dynamic: [], plugin: [] };
    for (const n of plan.scaleSizes) {
      // The two modes of one N run back to back, so that the machine's load drifts as little as possible between
      // the figures the summary compares.
      const options = { n, latencyMs: 20, concurrency: 16, node };
      const dynamic = await run(`scale${n}${node.suffix}`, () =>
        measureScale(registered, "dynamic", options),
      );
      const plugin = await run(`pluginScale${n}${node.suffix}`, () =>
        measureScale(registered, "plugin", options),
      );
      if (node.suffix === "") scale.push({ n, dynamic, plugin });
      if (dynamic) runs.dynamic.push(dynamic);
      if (plugin) runs.plugin.push(plugin);
    }
    for (const mode of ["dynamic", "plugin"] as const) budgets.push(...memoryBudgets(runs[mode]));
  }
  for (const mode of ["dynamic", "plugin"] as const)
    await run(`${mode}AgainstFloor`, () =>
      measureAgainstFloor(registered, mode, {
        n: plan.floorTokens,
        latencyMs: 20,
        concurrency: 16,
        judgeRatios: plan.mode === "full",
      }),
    );
  await run("rateLimit", () => measureRateLimit(registered, { ...plan.rateLimit, concurrency: 16 }));
  if (plan.bigStack)
    for (const mode of ["dynamic", "plugin"] as const)
      await run(`${mode}BigStack`, () => measureBigStack(mode));
  const comparison = compareModes({
    requests: { dynamic: requests?.counts, plugin: pluginRequests?.counts },
    state,
    scale,
  });
  sections.comparison = comparison;

  const totalMs = nowMs() - started;
  const load = { before: loadBefore, after: loadavg()[0] };
  const failed = budgets.filter((b) => !b.pass);
  process.stdout.write(`\n${renderTable(rows)}\n`);
  process.stdout.write(`\nDynamic and plugin mode, same run:\n${renderComparison(comparison)}\n`);
  process.stdout.write(`\nBudgets:\n${renderBudgets(budgets)}\n`);
  if (plan.mode === "quick")
    process.stdout.write(
      "(quick mode: one scale size, so the memory growth budget is not measured; the ratios against the floor " +
        "are shown in the table but not judged)\n",
    );
  process.stdout.write(
    `\n${plan.mode} run: ${(totalMs / 1000).toFixed(1)} s on ${cpus().length} CPUs, 1-minute load average ` +
      `${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after; results in ${RESULTS_FILE}\n`,
  );
  writeResults(RESULTS_FILE, {
    mode: plan.mode,
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: load,
    totalMs,
    pass: failed.length === 0,
    budgets,
    sections,
  });
  return failed.length === 0 ? 0 : 1;
}

/** `--profile [N]`: the tick profiles of both modes against their floors (profile.ts), N = 1000 by default. */
async function profile(rest: string[]): Promise<number> {
  const n = rest.length === 0 ? PLANS.full.floorTokens : Number(rest[0]);
  if (rest.length > 1 || !Number.isInteger(n) || n < 1) {
    process.stderr.write(`${USAGE}  (N must be a positive integer)\n`);
    return 2;
  }
  const registered = await registerBenchToken();
  const profiles = await profileBothModes(registered, n);
  process.stdout.write(
    `\nV8 ticks (samples of the profiler, about one per 1–2 ms) of the provider process from its start ` +
      `(start-up included), a ${WARM_UP_TOKENS}-token ` +
      `warm-up and N = ${n} tokens' lifecycle:\n${renderProfiles(profiles)}\n\nBottom-up detail: ` +
      `${profiles.map((p) => path.relative(PROJECT_ROOT, p.processedPath)).join(", ")}\n`,
  );
  return 0;
}

/**
 * `--what-if-http-request`: the rounds against the floor of both modes with node-fetch replaced by a fetch over
 * `http.request` (`probes/httpRequestFetch.ts`, preloaded into the processes serving the provider): what
 * node-fetch costs of ours. Judges nothing; the provider ships with node-fetch.
 */
async function whatIfHttpRequest(): Promise<number> {
  const preload = `--require ${path.join(__dirname, "probes", "httpRequestFetch.js")}`;
  // The host and the plugins inherit this process's environment; this process has started already.
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(" ");
  const registered = await registerBenchToken();
  const rows: Row[] = [];
  for (const mode of ["dynamic", "plugin"] as const) {
    process.stderr.write(`bench: ${mode} against the floor, node-fetch replaced by http.request…\n`);
    const result = await measureAgainstFloor(registered, mode, {
      n: PLANS.full.floorTokens,
      latencyMs: 20,
      concurrency: 16,
      judgeRatios: false,
    });
    rows.push(...result.rows);
  }
  process.stdout.write(`\nnode-fetch replaced by http.request (not what ships):\n${renderTable(rows)}\n`);
  return 0;
}

/** `--profile-big-stack [N]`: CPU profiles of a big stack's preview through the real CLI (bigStack.ts). */
async function profileBig(rest: string[]): Promise<number> {
  const n = rest.length === 0 ? BIG_STACK_N : Number(rest[0]);
  if (rest.length > 1 || !Number.isInteger(n) || n < 1) {
    process.stderr.write(`${USAGE}  (N must be a positive integer)\n`);
    return 2;
  }
  const table = await profileBigStack(n);
  process.stdout.write(
    `\nCPU samples of one \`pulumi preview\` of N = ${n} resources: every Node.js process by layer, and the ` +
      `engine (Go; the language hosts are not profiled):\n${table}\n\nProfiles (Node.js ones for Chrome DevTools ` +
      `or VS Code, the engine's for go tool pprof): ` +
      `${path.relative(PROJECT_ROOT, BIG_STACK_PROFILE_DIR)}/<mode>-<contender>/\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
