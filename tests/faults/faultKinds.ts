/**
 * The fault matrix's rows and columns: the four provider operations, and the faults injected into the API
 * request each of them depends on. Every fault is a list of emulator fault rules scoped to one case's own
 * registry, so all cases can run at once against one emulator.
 */
import type { FaultAction, FaultMatch, FaultRule } from "../../emulator";
import type { SlowAnswerRule } from "../support/slowAnswerProxy";

/** A provider operation under test. */
export type Operation = "create" | "read" | "update" | "delete";

/** All operations, in matrix order. */
export const OPERATIONS: readonly Operation[] = ["create", "read", "update", "delete"];

/** The API operation whose request each provider operation starts with (the one the faults hit). */
export const TARGET_OPERATION: Record<Operation, string> = {
  create: "registriesTokensPost",
  read: "registriesTokensFindById",
  update: "registriesTokensPatch",
  delete: "registriesTokensDelete",
};

/** The HTTP method of each target operation. */
export const TARGET_METHOD: Record<Operation, string> = {
  create: "POST",
  read: "GET",
  update: "PATCH",
  delete: "DELETE",
};

/** The per-request timeout the host is configured with; latency faults go just beyond it. */
export const REQUEST_TIMEOUT_MS = 300;

/** The retry budget per call the host is configured with. */
export const RETRY_BUDGET_MS = 1500;

/**
 * Latency of a "slow answer" fault: beyond {@link REQUEST_TIMEOUT_MS}, so the client gives up first, while
 * the request itself was handled (a write applied) at once.
 */
export const SLOW_MS = REQUEST_TIMEOUT_MS + 150;

/** One fault, before it is scoped to a case. */
export interface FaultKind {
  /** Short label for the summary, e.g. `503 ×∞`. */
  label: string;
  /** The action the emulator takes; absent for a slow answer. */
  action?: FaultAction;
  /** For a slow answer: how long the proxy in front of the emulator holds the answer back. */
  slowAnswerMs?: number;
  /** True when it hits every matching request, false when only the first. */
  repeated: boolean;
}

function bothWays(label: string, fault: Pick<FaultKind, "action" | "slowAnswerMs">): FaultKind[] {
  return [
    { label: `${label} once`, ...fault, repeated: false },
    { label: `${label} always`, ...fault, repeated: true },
  ];
}

/** Every fault of the matrix, each once and repeatedly. */
export const FAULT_KINDS: readonly FaultKind[] = [
  ...bothWays("latency beyond timeout", { slowAnswerMs: SLOW_MS }),
  ...bothWays("429 with Retry-After", { action: { type: "status", status: 429, retryAfter: 1 } }),
  ...bothWays("429 without Retry-After", { action: { type: "status", status: 429, retryAfter: null } }),
  ...[500, 502, 503, 504].flatMap((status) => bothWays(`${status}`, { action: { type: "status", status } })),
  ...bothWays("reset before acting", { action: { type: "reset" } }),
  ...bothWays("commit then reset", { action: { type: "commitThenReset" } }),
  ...bothWays("commit then 500", { action: { type: "commitThenStatus", status: 500 } }),
];

/** Path prefix of every API request about one case's registry. */
export function registryPath(registryId: string): string {
  return `/containerregistries/registries/${registryId}/`;
}

/** The emulator rules of `kind` for one case: only `operation`'s target request in that case's registry. */
export function rulesFor(kind: FaultKind, operation: Operation, registryId: string): FaultRule[] {
  if (kind.action === undefined) return [];
  const match: FaultMatch = { operation: TARGET_OPERATION[operation], path: `${registryPath(registryId)}*` };
  return [{ match, action: kind.action, ...(kind.repeated ? {} : { times: 1 }) }];
}

/** The slow-answer proxy's rules of `kind` for one case, scoped like {@link rulesFor}. */
export function slowRulesFor(kind: FaultKind, operation: Operation, registryId: string): SlowAnswerRule[] {
  if (kind.slowAnswerMs === undefined) return [];
  return [
    {
      method: TARGET_METHOD[operation],
      pathPrefix: registryPath(registryId),
      delayMs: kind.slowAnswerMs,
      ...(kind.repeated ? {} : { times: 1 }),
    },
  ];
}
