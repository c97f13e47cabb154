/**
 * The fault matrix's oracle: given what a provider operation returned (or the error it failed with) and what
 * the emulator holds afterwards, decide whether the case survived, failed cleanly, or left the two
 * inconsistent — an orphaned token, a token in the state that does not exist, a duplicate, a create without
 * its password, outputs that contradict the live token, or an unclear error.
 */
import { isDeepStrictEqual } from "util";
import type { TokenView } from "../../emulator";
import type { HostResource, Props } from "../support/hostSession";
import { TARGET_OPERATION, type Operation } from "./faultKinds";

/** How a case ended. */
export type Verdict = "survived" | "failed cleanly" | "inconsistent";

/** What an operation produced: the gRPC answer, or the error the engine would show. */
export type Settled = { ok: true; value: unknown } | { ok: false; error: Error };

/** Everything the oracle needs about one case. */
export interface CaseEvidence {
  operation: Operation;
  /** The resource before the operation (read, update and delete only). */
  before?: HostResource;
  /** The values an update asked for. */
  wanted?: { status: string; scopes: unknown[] };
  settled: Settled;
  /** The case registry's tokens after the operation, faults off. */
  live: TokenView[];
}

/** The oracle's judgement, with every problem found. */
export interface Judgement {
  verdict: Verdict;
  problems: string[];
  /** True when a failed update's change was applied anyway (the next `pulumi up` re-applies it). */
  drift: boolean;
}

/** What the engine would keep in the state after the operation, as tokenId → outputs. */
export function stateAfter(evidence: CaseEvidence): Map<string, Props> {
  const { operation, before, settled } = evidence;
  const state = new Map<string, Props>();
  const keep = (outs: Props) => state.set(String(outs.tokenId), outs);
  if (!settled.ok) {
    if (before) keep(before.outs);
    return state;
  }
  const value = settled.value as Props;
  if (operation === "create") keep(value.properties as Props);
  if (operation === "read" && value.id !== "") keep(value.properties as Props);
  if (operation === "update") keep(value);
  return state;
}

/** Judges one case. */
export function judge(evidence: CaseEvidence): Judgement {
  const { operation, before, settled, live } = evidence;
  const problems: string[] = [];
  const state = stateAfter(evidence);
  const liveById = new Map(live.map((t) => [t.id, t]));

  for (const token of live) {
    if (!state.has(token.id)) problems.push(`orphaned token ${token.properties.name} (${token.id})`);
  }
  for (const [tokenId, outs] of state) {
    const token = liveById.get(tokenId);
    if (!token) {
      problems.push(`the state holds token ${tokenId}, which does not exist`);
      continue;
    }
    if (typeof outs.password !== "string" || outs.password === "") {
      problems.push(`token ${tokenId} is in the state without its password`);
    } else if (before && outs.password !== before.outs.password) {
      problems.push(`token ${tokenId}'s password changed although it was never recreated`);
    }
    if (settled.ok) problems.push(...disagreements(outs, token));
  }
  const names = live.map((t) => t.properties.name.toLowerCase());
  if (new Set(names).size !== names.length) problems.push(`duplicate names: ${names.join(", ")}`);
  if (settled.ok && operation === "update") {
    const outs = settled.value as Props;
    if (outs.status !== evidence.wanted?.status)
      problems.push(`update reported status ${String(outs.status)}`);
  }
  if (settled.ok && operation === "read" && (settled.value as Props).id === "" && before) {
    if (liveById.has(String(before.outs.tokenId))) problems.push("read said an existing token is gone");
  }
  if (!settled.ok) problems.push(...unclear(operation, settled.error));

  const drift = !settled.ok && operation === "update" && before !== undefined && changed(before, live);
  const verdict: Verdict = problems.length > 0 ? "inconsistent" : settled.ok ? "survived" : "failed cleanly";
  return { verdict, problems, drift };
}

/** Outputs that contradict the live token. */
function disagreements(outs: Props, token: TokenView): string[] {
  const p = token.properties;
  const found: string[] = [];
  const expect = (field: string, actual: unknown, wanted: unknown) => {
    if (!isDeepStrictEqual(actual, wanted)) {
      found.push(`output ${field} ${JSON.stringify(actual)} but the token has ${JSON.stringify(wanted)}`);
    }
  };
  expect("name", outs.name, p.name);
  expect("username", outs.username, p.credentials.username);
  expect("status", outs.status, p.status);
  expect("expiryDate", outs.expiryDate, p.expiryDate ?? null);
  expect("scopes", outs.scopes, p.scopes ?? []);
  return found;
}

/**
 * A clear error names the API operation that failed, its method and route, and how it failed (HTTP status
 * or the network cause) — and is not a stringified object.
 */
function unclear(operation: Operation, error: Error): string[] {
  const pattern = new RegExp(
    `IONOS API ${TARGET_OPERATION[operation]} \\((GET|POST|PATCH|PUT|DELETE) /registries/[^)]+\\) ` +
      `failed with (HTTP \\d{3}|no response \\([\\w ]+\\))`,
  );
  if (pattern.test(error.message) && !/\[object |undefined/.test(error.message)) return [];
  return [`unclear error: ${error.message}`];
}

function changed(before: HostResource, live: TokenView[]): boolean {
  const token = live.find((t) => t.id === before.outs.tokenId);
  return token !== undefined && token.properties.status !== before.outs.status;
}
