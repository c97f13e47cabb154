/**
 * What each pending operation a killed `pulumi` left in a stack means, judged against what the API holds: a
 * create that landed and left a live token nobody holds (`orphan`), one that never reached the API
 * (`absent`), or one that cannot be proven either way (`unsure`). Pure: the caller brings the state, the
 * registries' tokens and what bounds the interrupted run's start.
 *
 * The judgement errs one way only. A token is an orphan only when everything says it is the pending create's
 * own: exactly its name, in its registry, held by no resource of the stack, created after the interrupted run
 * began, and still exactly what the create sent. Anything else is `unsure`, with the reason, and left alone.
 */
import type { WireToken } from "../../client/models";
import { parseResourceId, resourceId } from "../../rules/mapping";
import { resourceNameOf } from "../../rules/naming";
import { parseRfc3339, sameInstant, sameScopes } from "../../rules/normalize";
import { isSecretForm } from "../../rules/secretness";
import type { RegistryTokenScope } from "../../rules/types";
import { REGISTRY_TOKEN_TYPES } from "../resourceTypes";

/** A pending operation as `pulumi stack export` writes it. */
export interface PendingOperation {
  /** `creating`, `updating`, `deleting`, `reading`, `importing`. */
  type: string;
  /** The resource the operation was about. */
  resource: { urn: string; type: string; id?: string; inputs?: Record<string, unknown> };
}

/** A resource of the stack, as far as the judgement needs it. */
export interface StateResource {
  /** Its URN. */
  urn: string;
  /** Its type token. */
  type: string;
  /** Its ID (`<registryId>/<tokenId>` for a `RegistryToken`). */
  id?: string;
}

/** The verdict on one pending operation. */
export type Verdict = "orphan" | "absent" | "unsure" | "retry";

/** One pending operation judged. */
export interface PendingRow {
  /** The resource's URN. */
  urn: string;
  /** The resource's name in the program (the URN's last part). */
  resource: string;
  /** The engine's operation: `creating`, `updating`, `deleting`, ... */
  operation: string;
  /** The registry the create was for. */
  registryId?: string;
  /** The token name the create sent. */
  name?: string;
  /** The live token found for it, when one was. */
  tokenId?: string;
  /** When the API created that token. */
  createdDate?: string;
  /** What the operation left: see {@link Verdict}. */
  verdict: Verdict;
  /** Why, in a sentence a person can act on. */
  reason: string;
}

/** What bounds from below the moment the interrupted run began, and where that came from. */
export interface RunStart {
  /** Epoch milliseconds. */
  at: number;
  /** e.g. "the stack's lock file", "--since". */
  source: string;
  /**
   * True when `at` is the run's own start (its lock, `--since`); false when it is only an earlier moment (the
   * end of the last completed update), which proves nothing about a chosen name: another actor may have
   * created that name in between, and the interrupted create then met a 409 and made nothing.
   */
  exact: boolean;
}

/** Everything the judgement reads. */
export interface PendingEvidence {
  pending: readonly PendingOperation[];
  resources: readonly StateResource[];
  /** Every token of each registry a pending create names, by registry id; absent when it could not be read. */
  tokensByRegistry: ReadonlyMap<string, readonly WireToken[]>;
  runStart?: RunStart;
}

/** The columns every row starts with: the resource and the operation. */
function rowOf(op: PendingOperation): Pick<PendingRow, "urn" | "resource" | "operation"> {
  return { urn: op.resource.urn, resource: resourceNameOf(op.resource.urn), operation: op.type };
}

/** The pending operations of `RegistryToken` resources. */
export function registryTokenOperations(pending: readonly PendingOperation[]): PendingOperation[] {
  return pending.filter((op) => REGISTRY_TOKEN_TYPES.includes(op?.resource?.type));
}

/** Judges every pending operation of a `RegistryToken` in `evidence`. */
export function judgePending(evidence: PendingEvidence): PendingRow[] {
  const held = new Map<string, string>();
  for (const resource of evidence.resources)
    if (REGISTRY_TOKEN_TYPES.includes(resource.type) && resource.id) held.set(resource.id, resource.urn);
  return registryTokenOperations(evidence.pending).map((op) =>
    op.type === "creating" ? judgeCreate(op, held, evidence) : judgeOther(op),
  );
}

function judgeOther(op: PendingOperation): PendingRow {
  const base = rowOf(op);
  const again =
    op.type === "deleting"
      ? "the next `pulumi destroy` or `pulumi up` deletes it again (a DELETE is idempotent)"
      : op.type === "updating"
        ? "the next `pulumi up` repeats it (after `pulumi refresh` if it partly landed)"
        : "it changed nothing in the API; run it again";
  let ids = {};
  try {
    ids = parseResourceId(op.resource.id ?? "");
  } catch {
    // An update or delete without a readable id: the row shows none.
  }
  return {
    ...base,
    ...ids,
    verdict: "retry",
    reason: `An interrupted ${op.type} step: ${again}.`,
  };
}

function judgeCreate(
  op: PendingOperation,
  held: ReadonlyMap<string, string>,
  evidence: PendingEvidence,
): PendingRow {
  const inputs = op.resource.inputs ?? {};
  const base = rowOf(op);
  const unsure = (reason: string, more: Partial<PendingRow> = {}): PendingRow => ({
    ...base,
    ...more,
    verdict: "unsure",
    reason,
  });
  if (isSecretForm(inputs.registryId) || isSecretForm(inputs.name))
    return unsure(
      "Its registryId or name is a secret in the state, which this command does not decrypt: check the " +
        "registry by hand (`pulumi stack export --show-secrets` shows the values).",
    );
  const registryId = inputs.registryId;
  const name = inputs.name;
  if (typeof registryId !== "string" || typeof name !== "string")
    return unsure("The state holds no registryId and name for this create (were they unknown at the time?).");
  const where = { registryId, name };
  const tokens = evidence.tokensByRegistry.get(registryId);
  if (tokens === undefined) return unsure(`Registry ${registryId} could not be read.`, where);
  const found = tokens.find((t) => t.properties?.name === name);
  if (found === undefined) {
    const likeIt = tokens.find((t) => t.properties?.name?.toLowerCase() === name.toLowerCase());
    if (likeIt !== undefined)
      return unsure(
        `Token ${likeIt.id} is named "${likeIt.properties.name}", which differs from "${name}" only in case: ` +
          "not what this create sent.",
        { ...where, tokenId: likeIt.id, createdDate: likeIt.metadata?.createdDate },
      );
    return {
      ...base,
      ...where,
      verdict: "absent",
      reason: "No token has this name: the create never reached the API, or its token is gone already.",
    };
  }
  const createdDate = found.metadata?.createdDate;
  const tokenWhere = { ...where, tokenId: found.id, createdDate };
  const holder = held.get(resourceId(registryId, found.id));
  if (holder !== undefined) return unsure(`The stack holds this token as ${holder}.`, tokenWhere);
  const created = parseRfc3339(createdDate ?? "");
  if (created === undefined) return unsure("The API gives no creation date for this token.", tokenWhere);
  const start = evidence.runStart;
  if (start === undefined)
    return unsure(
      "Nothing tells when the interrupted run began (no lock file, no update history): pass --since with " +
        "that time.",
      tokenWhere,
    );
  // The API's dates have whole seconds: a token made in the run's first second shows that second.
  if (created < Math.floor(start.at / 1000) * 1000)
    return unsure(
      `It was created at ${createdDate}, before the interrupted run began (${new Date(start.at).toISOString()}, ` +
        `from ${start.source}): another stack's or person's token.`,
      tokenWhere,
    );
  const generated = typeof inputs.namePrefix === "string";
  if (!generated && !start.exact)
    return unsure(
      `A chosen name, and only ${start.source} bounds when the interrupted run began: a token another actor ` +
        "made with this name in between would look the same. Pass --since with the time the run began.",
      tokenWhere,
    );
  const compared = ["status", "scopes", "expiryDate"].filter((key) => isSecretForm(inputs[key]));
  if (compared.length > 0)
    return unsure(
      `Its ${compared.join(", ")} ${compared.length > 1 ? "are secrets" : "is a secret"} in the state, which ` +
        "this command does not decrypt, so the token cannot be compared with what the create sent.",
      tokenWhere,
    );
  const changed = differences(found, inputs);
  if (changed.length > 0)
    return unsure(
      `Its ${changed.join(", ")} differ from what the create sent: changed after the kill, or not this create's.`,
      tokenWhere,
    );
  return {
    ...base,
    ...tokenWhere,
    verdict: "orphan",
    reason:
      "Created by the interrupted run, held by no resource of the stack, its password lost: " +
      "`--delete` deletes it.",
  };
}

/** The properties in which a live token differs from what a create sent. */
function differences(token: WireToken, inputs: Record<string, unknown>): string[] {
  const p = token.properties ?? {};
  const changed: string[] = [];
  if ((p.status ?? "enabled") !== (inputs.status ?? "enabled")) changed.push("status");
  if (!sameScopes((p.scopes ?? []) as RegistryTokenScope[], (inputs.scopes ?? []) as RegistryTokenScope[]))
    changed.push("scopes");
  if (!sameInstant(p.expiryDate ?? null, (inputs.expiryDate as string | null | undefined) ?? null))
    changed.push("expiryDate");
  return changed;
}
