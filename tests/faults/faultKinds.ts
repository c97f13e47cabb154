/**
 * The fault matrix's rows and columns: the provider operations, and the faults injected into the API
 * request each of them depends on. Every fault is a list of emulator fault rules scoped to one case's own
 * registry, so all cases can run at once against one emulator.
 */
import type { FaultAction, FaultMatch, FaultRule } from "../../emulator";
import type { SlowAnswerRule } from "../support/slowAnswerProxy";

/**
 * A provider operation under test:
 * - `create`: a new token with a generated name (`namePrefix`), which proves a found token is this resource's;
 * - `create-chosen`: a new token with a chosen `name`, which proves nothing;
 * - `read`, `update`, `delete`: of an existing token;
 * - `recreate`: an update whose token vanished (deleted out of band): the PATCH answers 404 and the provider
 *   creates the token again at its id with PUT. The faults hit that PUT.
 */
export type Operation = "create" | "create-chosen" | "read" | "update" | "recreate" | "delete";

/** All operations, in matrix order. */
export const OPERATIONS: readonly Operation[] = [
  "create",
  "create-chosen",
  "read",
  "update",
  "recreate",
  "delete",
];

/** The API operation each provider operation depends on (the one the faults hit). */
export const TARGET_OPERATION: Record<Operation, string> = {
  create: "registriesTokensPost",
  "create-chosen": "registriesTokensPost",
  read: "registriesTokensFindById",
  update: "registriesTokensPatch",
  recreate: "registriesTokensPut",
  delete: "registriesTokensDelete",
};

/** The HTTP method of each target operation. */
export const TARGET_METHOD: Record<Operation, string> = {
  create: "POST",
  "create-chosen": "POST",
  read: "GET",
  update: "PATCH",
  recreate: "PUT",
  delete: "DELETE",
};

/**
 * The per-request timeout the host under test is configured with; latency faults go just beyond it. Long
 * enough that some 160 operations in flight through one host on a loaded 2-core machine do not time out by
 * themselves: a spurious timeout turns a fault that made nothing into a lost answer, after which a
 * chosen-name create rightly fails, and the case would no longer test what its label says.
 */
export const REQUEST_TIMEOUT_MS = 2000;

/** The retry budget per call the host is configured with: room for a retry after a timeout, not for many. */
export const RETRY_BUDGET_MS = 5000;

/**
 * Latency of a "slow answer" fault: beyond {@link REQUEST_TIMEOUT_MS}, so the client gives up first, while
 * the request itself was handled (a write applied) at once.
 */
export const SLOW_MS = REQUEST_TIMEOUT_MS + 150;

/** One fault, before it is scoped to a case. */
export interface FaultKind {
  /** Short label for the summary, e.g. `503 always`. */
  label: string;
  /** The action the emulator takes; absent for a slow answer. */
  action?: FaultAction;
  /** For a slow answer: how long the proxy in front of the emulator holds the answer back. */
  slowAnswerMs?: number;
  /** True when it hits every matching request, false when only the first. */
  repeated: boolean;
  /**
   * True when the API carries the request out before its answer is lost (a slow answer, commit then reset or
   * status): a POST or PUT has created its token, a DELETE has deleted it.
   */
  applied: boolean;
}

function bothWays(label: string, fault: Omit<FaultKind, "label" | "repeated">): FaultKind[] {
  return [
    { label: `${label} once`, ...fault, repeated: false },
    { label: `${label} always`, ...fault, repeated: true },
  ];
}

const STATUSES_5XX = [500, 502, 503, 504];

/** Every fault of the matrix, each once and repeatedly. */
export const FAULT_KINDS: readonly FaultKind[] = [
  ...bothWays("latency beyond timeout", { slowAnswerMs: SLOW_MS, applied: true }),
  ...bothWays("429 with Retry-After", {
    action: { type: "status", status: 429, retryAfter: 1 },
    applied: false,
  }),
  ...bothWays("429 without Retry-After", {
    action: { type: "status", status: 429, retryAfter: null },
    applied: false,
  }),
  ...STATUSES_5XX.flatMap((status) =>
    bothWays(`${status}`, { action: { type: "status", status }, applied: false }),
  ),
  ...bothWays("reset before acting", { action: { type: "reset" }, applied: false }),
  ...bothWays("commit then reset", { action: { type: "commitThenReset" }, applied: true }),
  ...STATUSES_5XX.flatMap((status) =>
    bothWays(`commit then ${status}`, { action: { type: "commitThenStatus", status }, applied: true }),
  ),
];

/** The fault of {@link FAULT_KINDS} with this label. @throws when there is none (a typo in a test) */
export function faultKind(label: string): FaultKind {
  const kind = FAULT_KINDS.find((k) => k.label === label);
  if (kind === undefined) throw new Error(`no fault kind "${label}"`);
  return kind;
}

/**
 * Whether the client retries an idempotent request (GET, PATCH, DELETE) after this fault, by the README's
 * promise: when no answer came (a timeout or a reset) and on 429, 502, 503 and 504 — not on a plain 500.
 */
export function retriedWhenIdempotent(kind: FaultKind): boolean {
  const status = answeredStatus(kind);
  return status === undefined || [429, 502, 503, 504].includes(status);
}

/** The HTTP status the client gets instead of the real answer; undefined when it gets no answer at all. */
function answeredStatus(kind: FaultKind): number | undefined {
  const action = kind.action;
  if (action?.type === "status") return action.status;
  if (action?.type === "commitThenStatus") return action.status ?? 500;
  return undefined;
}

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
