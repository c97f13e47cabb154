/**
 * The fault matrix's oracle: given what a provider operation returned (or the error it failed with) and what
 * the emulator holds afterwards, decide whether the case survived, failed cleanly, or left the two
 * inconsistent — an orphaned token, a token in the state that does not exist, a live token whose password the
 * state lacks, a duplicate, a create without its password, another actor's token touched, outputs that
 * contradict the live token, or an unclear error.
 */
import { isDeepStrictEqual } from "util";
import type { TokenView } from "../../emulator";
import type { HostResource, Props } from "../support/hostSession";
import { TARGET_OPERATION, type Operation } from "./faultKinds";

/** How a case ended. */
export type Verdict = "survived" | "failed cleanly" | "inconsistent";

/** What an operation produced: the gRPC answer, or the error the engine would show. */
export type Settled = { ok: true; value: unknown } | { ok: false; error: Error };

/** A token another actor (a second stack, a person) owns in the case's registry, as its owner knows it. */
export interface ForeignToken {
  id: string;
  createdDate: string;
  /** The password its owner holds. */
  password: string;
}

/** Everything the oracle needs about one case. */
export interface CaseEvidence {
  operation: Operation;
  /** The resource before the operation (read, update, recreate and delete only). */
  before?: HostResource;
  /** The values an update asked for. */
  wanted?: { status: string; scopes: unknown[] };
  settled: Settled;
  /** The case registry's tokens after the operation, faults off. */
  live: TokenView[];
  /** Tokens of other actors in the case's registry: never this resource's to delete, replace or adopt. */
  foreign?: ForeignToken[];
  /**
   * The password the API sent when it created a token's incarnation (id + createdDate), if any answer
   * carried one (see `passwordWitness.ts`). Without it, passwords are only checked for being present.
   */
  issued?: (tokenId: string, createdDate: string) => string | undefined;
}

/** The oracle's judgement, with every problem found. */
export interface Judgement {
  verdict: Verdict;
  problems: string[];
  /** True when a failed update's change was applied anyway (the next `pulumi up` re-applies it). */
  drift: boolean;
  /**
   * The id of a token a failed chosen-name create left alone, and named in its error, because a chosen name
   * cannot prove the token is its own (README, Reliability). Accepted only there; anywhere else it is an orphan.
   */
  named?: string;
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
  if (operation === "create" || operation === "create-chosen") keep(value.properties as Props);
  if (operation === "read" && value.id !== "") keep(value.properties as Props);
  if (operation === "update" || operation === "recreate") keep(value);
  return state;
}

/** Judges one case. */
export function judge(evidence: CaseEvidence): Judgement {
  const { settled, live } = evidence;
  const state = stateAfter(evidence);
  const foreignIds = new Set((evidence.foreign ?? []).map((t) => t.id));
  const leftOver = live.filter((t) => !foreignIds.has(t.id) && !state.has(t.id));
  const named = leftOver.find((t) => isNamedLeftover(evidence, t));
  const problems = [
    ...(evidence.foreign ?? []).flatMap((t) => foreignProblems(evidence, t)),
    ...leftOver.filter((t) => t !== named).map((t) => `orphaned token ${t.properties.name} (${t.id})`),
    ...[...state].flatMap(([tokenId, outs]) => stateProblems(evidence, tokenId, outs)),
    ...duplicates(live),
    ...operationProblems(evidence),
    ...(settled.ok ? [] : unclear(evidence.operation, settled.error)),
  ];
  const drift =
    !settled.ok &&
    evidence.operation === "update" &&
    evidence.before !== undefined &&
    changed(evidence.before, live);
  const verdict: Verdict = problems.length > 0 ? "inconsistent" : settled.ok ? "survived" : "failed cleanly";
  return { verdict, problems, drift, ...(named ? { named: named.id } : {}) };
}

/**
 * A token outside the state is acceptable only after a failed create with a chosen name whose error names it:
 * the README's promise that such a token is left alone and named. A generated name must recover its orphan.
 */
function isNamedLeftover(evidence: CaseEvidence, token: TokenView): boolean {
  const { operation, settled } = evidence;
  return operation === "create-chosen" && !settled.ok && settled.error.message.includes(token.id);
}

/** Another actor's token must still be the very token its owner created, with the password its owner holds. */
function foreignProblems(evidence: CaseEvidence, foreign: ForeignToken): string[] {
  const token = evidence.live.find((t) => t.id === foreign.id);
  if (!token) return [`another actor's token ${foreign.id} was deleted`];
  if (token.metadata.createdDate !== foreign.createdDate) {
    return [`another actor's token ${foreign.id} was recreated: its owner's password no longer works`];
  }
  const issued = evidence.issued?.(token.id, token.metadata.createdDate);
  if (evidence.issued && issued !== foreign.password) {
    return [`another actor's token ${foreign.id} no longer has its owner's password`];
  }
  return [];
}

/**
 * A token the state holds must be live, the same incarnation the state describes (a token deleted and created
 * again at its id has a new password), and carry the password the API issued for that incarnation.
 */
function stateProblems(evidence: CaseEvidence, tokenId: string, outs: Props): string[] {
  const { operation, before, settled } = evidence;
  const token = evidence.live.find((t) => t.id === tokenId);
  if (!token) {
    return staleAsBefore(evidence, tokenId) ? [] : [`the state holds token ${tokenId}, which does not exist`];
  }
  const createdDate = token.metadata.createdDate;
  if (outs.createdDate !== createdDate) {
    return [
      `the state holds token ${tokenId} as created ${String(outs.createdDate)}, but the live token was created ` +
        `${createdDate}: a live token whose password the state lacks`,
    ];
  }
  const problems: string[] = [];
  const password = outs.password;
  if (typeof password !== "string" || password === "") {
    problems.push(`token ${tokenId} is in the state without its password`);
  } else if (evidence.issued && evidence.issued(tokenId, createdDate) !== password) {
    problems.push(`the state's password of token ${tokenId} is not the one the API issued for it`);
  }
  const recreated = operation === "recreate" && settled.ok;
  if (before && recreated && password === before.outs.password) {
    problems.push(`token ${tokenId} was recreated but the state kept the vanished token's password`);
  } else if (before && !recreated && password !== before.outs.password) {
    problems.push(`token ${tokenId}'s password changed although it was never recreated`);
  }
  if (settled.ok) problems.push(...disagreements(outs, token));
  return problems;
}

/**
 * A failed recreate leaves the state as the out-of-band delete left it — holding a token that no longer
 * exists, which the next refresh drops, and whose next update tries the recreation again.
 */
function staleAsBefore(evidence: CaseEvidence, tokenId: string): boolean {
  const { operation, before, settled } = evidence;
  return operation === "recreate" && !settled.ok && before?.outs.tokenId === tokenId;
}

function duplicates(live: TokenView[]): string[] {
  const names = live.map((t) => t.properties.name.toLowerCase());
  return new Set(names).size === names.length ? [] : [`duplicate names: ${names.join(", ")}`];
}

/** What a successful update or read must have reported. */
function operationProblems(evidence: CaseEvidence): string[] {
  const { operation, settled, before, live } = evidence;
  if (!settled.ok) return [];
  const value = settled.value as Props;
  if ((operation === "update" || operation === "recreate") && value.status !== evidence.wanted?.status) {
    return [`update reported status ${String(value.status)}`];
  }
  if (operation === "read" && value.id === "" && before && live.some((t) => t.id === before.outs.tokenId)) {
    return ["read said an existing token is gone"];
  }
  return [];
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
 * or the network cause) — and is not a stringified object. A create may instead report the name conflict it
 * found, naming the registry (and the token, when it knows which).
 */
function unclear(operation: Operation, error: Error): string[] {
  const apiFailure = new RegExp(
    `IONOS API ${TARGET_OPERATION[operation]} \\((GET|POST|PATCH|PUT|DELETE) /registries/[^)]+\\) ` +
      `failed with (HTTP \\d{3}|no response( from \\S+)? \\([\\w :]+\\))`,
  );
  const nameConflict =
    /^A token named "[^"]+"( \([0-9a-f-]{36}\))? already exists in registry [0-9a-f-]{36} /;
  const isCreate = operation === "create" || operation === "create-chosen";
  const clear = apiFailure.test(error.message) || (isCreate && nameConflict.test(error.message));
  if (clear && !/\[object |undefined/.test(error.message)) return [];
  return [`unclear error: ${error.message}`];
}

function changed(before: HostResource, live: TokenView[]): boolean {
  const token = live.find((t) => t.id === before.outs.tokenId);
  return token !== undefined && token.properties.status !== before.outs.status;
}
