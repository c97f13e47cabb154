/**
 * Section 1: API requests per provider operation, counted in the emulator's request log, against the minimum
 * (check, diff and previews need none; create, read, update and delete one each) — in dynamic mode through
 * Pulumi's dynamic-provider host, and in plugin mode through the provider plugin, with the same emulator.
 */
import type { RunningEmulator } from "../emulator";
import { UNKNOWN } from "../provider/rules/unknown";
import type { PluginResource } from "../tests/support/pluginSession";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { DIFF_NONE, startBenchEnv, type BenchEnv, type LiveToken } from "./harness";
import { startPluginBenchEnv, type PluginBenchEnv } from "./pluginHarness";
import type { SectionResult } from "./report";
import type { Mode } from "../tests/support/modes";

/** The two ways the same provider is served (the test suites' own type). */
export type { Mode };

/** Requests one operation made, against its minimum. */
export interface RequestCount {
  operation: string;
  minimum: number;
  measured: number;
  /** `METHOD status` of each request, in order. */
  requests: string[];
}

/** Raw figures of the section; `sample` is one token as the engine would store it (for the state size). */
export interface RequestsData {
  counts: RequestCount[];
  sample: LiveToken;
}

/** Raw figures of the plugin-mode section; `sample` is one token as the plugin returned it after create. */
export interface PluginRequestsData {
  counts: RequestCount[];
  sample: PluginResource;
}

/** Runs one call and records the API requests it caused, in the emulator's log. */
type Counter = <T>(operation: string, minimum: number, call: () => Promise<T>) => Promise<T>;

function counter(emulator: RunningEmulator, counts: RequestCount[]): Counter {
  return async (operation, minimum, call) => {
    emulator.clearRequests();
    const value = await call();
    const requests = emulator.requests().map((r) => `${r.method} ${r.status}`);
    counts.push({ operation, minimum, measured: requests.length, requests });
    return value;
  };
}

/**
 * Takes one token through the happy path of its life — check, create, diff, preview of a change, refresh,
 * update, delete — through one host, counting the API requests each gRPC call causes.
 */
export async function measureRequests(registered: RegisteredToken): Promise<SectionResult<RequestsData>> {
  const env = await startBenchEnv(registered);
  try {
    const { counts, sample } = await dynamicLifecycle(env);
    return { ...resultOf("dynamic", counts), data: { counts, sample } };
  } finally {
    await env.close();
  }
}

/**
 * The same happy path through one plugin process. The plugin also answers the previews the engine sends it
 * (a dynamic-provider host is never asked for them), so those are counted too: a create preview, and an update
 * preview (check, diff and Update with `preview`).
 */
export async function measurePluginRequests(
  registered: RegisteredToken,
): Promise<SectionResult<PluginRequestsData>> {
  const env = await startPluginBenchEnv(registered);
  try {
    const { counts, sample } = await pluginLifecycle(env);
    return { ...resultOf("plugin", counts), data: { counts, sample } };
  } finally {
    await env.close();
  }
}

async function dynamicLifecycle(env: BenchEnv): Promise<RequestsData> {
  const { host, program } = env;
  const counts: RequestCount[] = [];
  const count = counter(env.emulator, counts);

  const checked = await count("check", 0, () => host.check({}, program()));
  if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const inputs = checked.inputs;
  const created = await count("create", 1, () => host.create(inputs));
  const id = created.id;
  let outs = created.properties;
  const sample: LiveToken = { id, inputs, outs };

  const unchanged = await count("diff", 0, () => host.diff(id, outs, inputs));
  if (unchanged.changes !== DIFF_NONE)
    throw new Error(`diff of unchanged inputs reported ${unchanged.changes}`);
  // A preview runs check and diff only; an input computed from an unresolved output arrives as UNKNOWN.
  await count("preview", 0, async () => {
    const pending = await host.check(inputs, program({ status: UNKNOWN }));
    return host.diff(id, outs, pending.inputs);
  });
  const read = await count("read", 1, () => host.read(id, outs, inputs));
  outs = read.properties;
  const disabled = await host.check(inputs, program({ status: "disabled" }));
  outs = await count("update", 1, () => host.update(id, outs, disabled.inputs));
  await count("delete", 1, () => host.delete(id, outs));
  return { counts, sample };
}

async function pluginLifecycle(env: PluginBenchEnv): Promise<PluginRequestsData> {
  const { plugin, program } = env;
  const name = "bench";
  const counts: RequestCount[] = [];
  const count = counter(env.emulator, counts);

  const inputs = await count("check", 0, () => plugin.check(name, program()));
  await count("create preview", 0, () => plugin.create(name, inputs, true));
  let token = await count("create", 1, () => plugin.create(name, inputs));
  const sample = token;

  const unchanged = await count("diff", 0, () => plugin.diff(name, token, inputs));
  if (unchanged.changes !== "none") throw new Error(`diff of unchanged inputs reported ${unchanged.changes}`);
  // What `pulumi preview` sends for a changed input: check, diff, then Update with `preview` set.
  const disabled = await count("update preview", 0, async () => {
    const news = await plugin.check(name, program({ status: "disabled" }), token.inputs);
    const diff = await plugin.diff(name, token, news);
    if (diff.changes !== "some") throw new Error(`diff of a changed status reported ${diff.changes}`);
    await plugin.update(name, token, news, true);
    return news;
  });
  const read = await count("read", 1, () => plugin.read(name, token));
  if (!read) throw new Error(`refresh of ${token.id} lost the token`);
  token = read;
  token = await count("update", 1, () => plugin.update(name, token, disabled));
  await count("delete", 1, () => plugin.delete(name, token));
  return { counts, sample };
}

/** The rows and the budget of one mode's counts: every operation at its minimum. */
function resultOf(mode: Mode, counts: readonly RequestCount[]): Omit<SectionResult<unknown>, "data"> {
  const pass = counts.every((c) => c.measured === c.minimum);
  const over = counts.filter((c) => c.measured !== c.minimum);
  return {
    rows: counts.map((c) => ({
      section: `requests, ${mode}`,
      metric: c.operation,
      measured: `${c.measured}${c.requests.length ? ` (${c.requests.join(", ")})` : ""}`,
      reference: `${c.minimum}`,
      pass: c.measured === c.minimum,
    })),
    budgets: [
      {
        name: `API requests per operation (happy path, ${mode} mode)`,
        measured: counts.map((c) => `${c.operation} ${c.measured}`).join(", "),
        limit: "equal to the minimum",
        pass,
        ...(pass ? {} : { note: `over the minimum: ${over.map((c) => c.operation).join(", ")}` }),
      },
    ],
  };
}
