/**
 * Creating a token — by POST for a new resource, by PUT at a known id when an update finds its token gone —
 * such that a lost answer never leaves a live token whose password we do not have, and no creation succeeds
 * without a password.
 */
import { type IonosApiError, isIonosApiError, isNotFound } from "../client/errors";
import type { WireToken } from "../client/models";
import type { TokensApi } from "../client/tokens";
import { resourceId, toOutputs, toWriteBody } from "../rules/mapping";
import { parseRfc3339, sameInstant, sameScopes } from "../rules/normalize";
import type { RegistryTokenScope, TokenInputs, TokenOutputs } from "../rules/types";

/** Attempts at creating a token when the API's answers are lost and each orphan must be cleaned up first. */
const MAX_CREATE_ATTEMPTS = 3;

/**
 * A token found by name after a lost POST answer counts as ours only when the server created it no earlier than
 * this before our attempt started (clock skew between us and the API) — and it has exactly the properties we
 * sent. A same-named token that fails either test is reported as a name conflict and left alone.
 */
const CLOCK_SKEW_MS = 60 * 1000;

/** What a create knows about how it is run. */
export interface CreateContext {
  /**
   * Whether the engine that asked for the create is gone (engineLiveness.ts). Checked before every write
   * beyond the first POST: nobody would record what they make.
   */
  engineGone?: () => boolean;
}

/** Result of a create: the resource ID and every output, the one-time password included. */
export interface CreatedToken {
  id: string;
  outs: TokenOutputs;
}

/**
 * Creates a token with POST. A POST whose answer is lost (timeout, reset, 5xx) may still have created the
 * token, whose password we would then never see. Names are unique per registry, so the token is looked up by
 * name. A token provably created by our attempt — a generated name, recent, exactly what we sent — is deleted
 * and the POST retried. A chosen name proves nothing (another actor may have taken it at the same moment), so
 * such a token is left alone and the error names it; any other is reported as a name conflict.
 * A 409 after a lost answer is the same question (our earlier attempt may have landed late), so it gets the
 * same answer. A failed create leaves behind no token it made without naming it, and no create succeeds
 * without a password.
 */
export async function createToken(
  api: TokensApi,
  inputs: TokenInputs,
  now: () => number = Date.now,
  context: CreateContext = {},
): Promise<CreatedToken> {
  const body = toWriteBody(inputs);
  let firstStart: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const startedAt = now();
    firstStart ??= startedAt;
    let token: WireToken;
    try {
      token = await api.create(inputs.registryId, body);
    } catch (error) {
      const conflict = isIonosApiError(error) && error.status === 409;
      if (conflict && attempt === 1) throw await firstConflict(api, inputs);
      if (!conflict && (!isIonosApiError(error) || !error.ambiguous)) throw error;
      if (context.engineGone?.()) throw abandoned(inputs, error as Error);
      await removeOrphan(api, inputs, firstStart, error as IonosApiError);
      if (context.engineGone?.()) throw abandoned(inputs, error as Error);
      if (attempt >= MAX_CREATE_ATTEMPTS) throw error;
      continue;
    }
    const password = token.properties.credentials?.password;
    if (!password) {
      await deleteOrExplain(api, inputs.registryId, token.id, "it came back without a password");
      throw new Error(
        `The IONOS API created token "${inputs.name}" in registry ${inputs.registryId} but returned no password; ` +
          "the token was deleted again, since it could never be used. Run the update again.",
      );
    }
    return {
      id: resourceId(inputs.registryId, token.id),
      outs: toOutputs(inputs.registryId, token, password, inputs),
    };
  }
}

/**
 * The error of a create whose engine went away before it could retry: whatever its first POST made is left
 * for `ionos-registry-token pending`, which judges it against the stack the next run sees.
 */
function abandoned(inputs: TokenInputs, cause: Error): Error {
  return new Error(
    `${cause.message}. The engine that asked for token "${inputs.name}" in registry ${inputs.registryId} is ` +
      "gone (the `pulumi` run was killed), so the create stopped instead of retrying: nobody would record its " +
      "result. Run `ionos-registry-token pending` in the project, then `pulumi up`.",
  );
}

/**
 * Recreates, with PUT at its own id, a token that vanished (an update found it gone). The id is ours, so
 * whatever a lost PUT answer left there is ours too: it is deleted and the PUT repeated. A PUT that answers
 * without a password replaced a token instead of creating one — its password is unknowable — so that token is
 * deleted and the PUT repeated as well. The stored password is never reused for a different token.
 */
export async function recreateToken(
  api: TokensApi,
  tokenId: string,
  inputs: TokenInputs,
): Promise<TokenOutputs> {
  for (let attempt = 1; ; attempt++) {
    let token: WireToken | undefined;
    let lostAnswer: Error | undefined;
    try {
      token = await api.put(inputs.registryId, tokenId, toWriteBody(inputs), { mayCreate: true });
    } catch (error) {
      if (!isIonosApiError(error) || !error.ambiguous) throw error;
      lostAnswer = error;
    }
    const password = token?.properties.credentials?.password;
    if (token && password) return toOutputs(inputs.registryId, token, password, inputs);
    // Also after the last attempt: a PUT whose answer was lost may have created a token we hold no password for.
    await deleteOrExplain(
      api,
      inputs.registryId,
      tokenId,
      "its recreation's answer was lost or had no password",
    );
    if (attempt >= MAX_CREATE_ATTEMPTS) {
      const cause = lostAnswer ? `${lostAnswer.message}. ` : "";
      throw new Error(
        `${cause}RegistryToken ${resourceId(inputs.registryId, tokenId)} had vanished and could not be recreated ` +
          `with a password after ${attempt} attempts; whatever they may have created was deleted, nothing is left ` +
          "behind. Run `pulumi refresh` and `pulumi up`.",
      );
    }
  }
}

/** Deletes a token we cannot use; when even that fails, the error says which token to remove by hand. */
async function deleteOrExplain(
  api: TokensApi,
  registryId: string,
  tokenId: string,
  why: string,
): Promise<void> {
  try {
    await api.delete(registryId, tokenId);
  } catch (error) {
    if (isNotFound(error)) return;
    throw new Error(
      `Token ${tokenId} in registry ${registryId} had to be deleted (${why}), but deleting it failed: ` +
        `${(error as Error).message}. Delete it by hand.`,
    );
  }
}

async function removeOrphan(
  api: TokensApi,
  inputs: TokenInputs,
  startedAt: number,
  cause: IonosApiError,
): Promise<void> {
  let found: WireToken | undefined;
  try {
    found = await api.findByName(inputs.registryId, inputs.name);
  } catch (lookupError) {
    throw new Error(
      `${cause.message}. The token "${inputs.name}" may have been created in registry ${inputs.registryId}, and ` +
        `checking failed too (${(lookupError as Error).message}). Run \`pulumi refresh\`, then the update again; ` +
        "delete the token by hand if it exists and is not in the stack.",
    );
  }
  if (!found) return;
  if (!isOurs(found, inputs, startedAt)) throw nameTaken(inputs, found);
  // Only a generated name proves the token is this resource's: its random suffix was drawn for this resource.
  // A chosen name may just as well have been taken at the same moment by another stack or a person, with the
  // same properties; deleting that token would break its owner, so it is left alone and named.
  if (inputs.namePrefix === null) throw unprovable(inputs, found, cause);
  await deleteOrExplain(api, inputs.registryId, found.id, "its creation's answer was lost with its password");
}

function unprovable(inputs: TokenInputs, found: WireToken, cause: IonosApiError): Error {
  return new Error(
    `${cause.message}. A token named "${inputs.name}" now exists in registry ${inputs.registryId}: ${found.id}` +
      ` (created ${found.metadata?.createdDate ?? "at an unknown time"}). It may be the one this create made, whose` +
      " password was lost with the answer, or another stack's or person's token made at the same time; a chosen" +
      ` name cannot prove which, so it was left alone. If ${found.id} is not used elsewhere, delete it and run` +
      " `pulumi up` again; otherwise choose another name, or omit `name` to get a generated one (a generated name" +
      " is recovered automatically).",
  );
}

/**
 * Whether a same-named token looks like the one our lost POST created: exactly our name (a token that differs
 * only in case blocks the name but was not made by us), recent, and exactly what we sent.
 */
function isOurs(token: WireToken, inputs: TokenInputs, startedAt: number): boolean {
  const created = parseRfc3339(token.metadata?.createdDate ?? "");
  const p = token.properties;
  return (
    p.name === inputs.name &&
    created !== undefined &&
    created >= startedAt - CLOCK_SKEW_MS &&
    (p.status ?? "enabled") === inputs.status &&
    sameInstant(p.expiryDate ?? null, inputs.expiryDate) &&
    sameScopes((p.scopes ?? []) as RegistryTokenScope[], inputs.scopes)
  );
}

/**
 * The error for a POST refused with 409 at once: the name is taken. The token holding it is looked up (one
 * GET) so that the message can name it. The likeliest cause is a create of this resource that landed in a run
 * killed before it could record the token: `ionos-registry-token pending` finds and removes such a token when it
 * is provably the stack's. The other cause this provider cannot rule out is `pulumi up --replace` of a token
 * that keeps its name: the engine orders that create first and tells neither mode's provider it is a
 * replacement, so the error names the resource option that orders it delete-first.
 */
async function firstConflict(api: TokensApi, inputs: TokenInputs): Promise<Error> {
  let found: WireToken | undefined;
  try {
    found = await api.findByName(inputs.registryId, inputs.name);
  } catch {
    // The conflict is the news; a failed look-up only leaves the token unnamed.
  }
  return nameTaken(
    inputs,
    found,
    " If a `pulumi` run was interrupted (killed) while creating this resource, this is likely the token it " +
      "made and could not record: `ionos-registry-token pending`, run in this project, shows it and deletes it " +
      "when it is provably this stack's. If it is this resource's own token and this is `pulumi up --replace`, " +
      "set the resource option `deleteBeforeReplace: true` (a forced replacement creates first without it). " +
      "Otherwise choose another name, omit `name` to get a generated one, or delete the existing token.",
  );
}

function nameTaken(inputs: TokenInputs, found?: WireToken, advice?: string): Error {
  const which = found === undefined ? "" : ` (${found.id})`;
  const created = found?.metadata?.createdDate ? `created ${found.metadata.createdDate}; ` : "";
  return new Error(
    `A token named "${inputs.name}"${which} already exists in registry ${inputs.registryId} (${created}names are ` +
      "unique per registry)." +
      (advice ?? " Choose another name, omit `name` to get a generated one, or delete the existing token."),
  );
}
