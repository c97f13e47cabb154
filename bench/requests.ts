/**
 * Section 1: API requests per provider operation, counted in the emulator's request log, against the minimum
 * (check, diff and preview need none; create, read, update and delete one each).
 */
import { UNKNOWN } from "../provider/unknown";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { DIFF_NONE, startBenchEnv, type BenchEnv, type LiveToken } from "./harness";
import type { SectionResult } from "./report";

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

/**
 * Takes one token through the happy path of its life — check, create, diff, preview of a change, refresh,
 * update, delete — through one host, counting the API requests each gRPC call causes.
 */
export async function measureRequests(registered: RegisteredToken): Promise<SectionResult<RequestsData>> {
  const env = await startBenchEnv(registered);
  try {
    return await lifecycle(env);
  } finally {
    await env.close();
  }
}

async function lifecycle(env: BenchEnv): Promise<SectionResult<RequestsData>> {
  const { host, program } = env;
  const counts: RequestCount[] = [];
  const count = async <T>(operation: string, minimum: number, call: () => Promise<T>): Promise<T> => {
    env.emulator.clearRequests();
    const value = await call();
    const requests = env.emulator.requests().map((r) => `${r.method} ${r.status}`);
    counts.push({ operation, minimum, measured: requests.length, requests });
    return value;
  };

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

  const pass = counts.every((c) => c.measured === c.minimum);
  const over = counts.filter((c) => c.measured !== c.minimum);
  return {
    rows: counts.map((c) => ({
      section: "requests",
      metric: c.operation,
      measured: `${c.measured}${c.requests.length ? ` (${c.requests.join(", ")})` : ""}`,
      reference: `${c.minimum}`,
      pass: c.measured === c.minimum,
    })),
    budgets: [
      {
        name: "API requests per operation (happy path)",
        measured: counts.map((c) => `${c.operation} ${c.measured}`).join(", "),
        limit: "equal to the minimum",
        pass,
        ...(pass ? {} : { note: `over the minimum: ${over.map((c) => c.operation).join(", ")}` }),
      },
    ],
    data: { counts, sample },
  };
}
