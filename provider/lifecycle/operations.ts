/** Reading, updating and deleting a token; creation lives in `creation.ts`. */
import { isIonosApiError, isNotFound } from "../client/errors";
import type { WireToken } from "../client/models";
import type { TokensApi } from "../client/tokens";
import { recreateToken } from "./creation";
import { driftedInputs } from "../rules/drift";
import {
  inputsOf,
  localInputsOf,
  parseResourceId,
  patchBetween,
  resourceId,
  toOutputs,
} from "../rules/mapping";
import { parseRfc3339 } from "../rules/normalize";
import { MIN_EXPIRY_LEAD_MS } from "../rules/rotation";
import type { TokenInputs, TokenOutputs } from "../rules/types";

/** Result of a read: an empty `id` tells the engine the token is gone. */
export interface ReadToken {
  id: string;
  props?: TokenOutputs;
  inputs?: TokenInputs;
}

/**
 * Reads the live token for refresh (and for `RegistryToken.get` or an import, from the ID alone). The API never
 * returns the password again, so the stored one is carried over; a token read from its ID alone has none (an
 * empty password) and reports its inputs as the token is. A refresh reports inputs only when a declared
 * property drifted (`drift.ts`): the stored inputs `storedInputs` (the plugin has them; the dynamic host passes
 * none, so they are taken from the stored outputs) with the drifted properties as they now are.
 */
export async function readToken(
  api: TokensApi,
  id: string,
  props: Partial<TokenOutputs>,
  storedInputs?: Partial<TokenInputs>,
): Promise<ReadToken> {
  const { registryId, tokenId } = parseResourceId(id);
  let token: WireToken;
  try {
    token = await api.get(registryId, tokenId);
  } catch (error) {
    if (isNotFound(error)) return { id: "" };
    throw error;
  }
  // A token read from its ID alone (RegistryToken.get, an import) has no password: the API shows it only at
  // creation. That is documented on the output; saying it on every read would be noise on every run.
  const password = typeof props.password === "string" ? props.password : "";
  const outs = toOutputs(registryId, token, password, props);
  const adopted = typeof props.tokenId !== "string";
  const inputs = adopted
    ? inputsOf(outs)
    : driftedInputs(storedInputs ?? inputsOf(props as TokenOutputs), props, outs);
  return { id: resourceId(registryId, token.id), props: outs, ...(inputs ? { inputs } : {}) };
}

/**
 * Updates a token in place with one PATCH of just what changed (none when only provider-side inputs changed).
 * A PATCH whose answer was lost is checked with a GET: if the change landed, the update succeeded. If the token
 * vanished meanwhile, it is recreated at the same ID with PUT, which yields a new password — unless its expiry
 * (by `nowMs`) is too close for the API to accept, which fails before any write.
 */
export async function updateToken(
  api: TokensApi,
  id: string,
  olds: Partial<TokenOutputs>,
  news: TokenInputs,
  nowMs: number = Date.now(),
): Promise<TokenOutputs> {
  const { registryId, tokenId } = parseResourceId(id);
  if (news.registryId !== registryId || news.name !== olds.name) {
    throw new Error(
      `RegistryToken ${id}: registryId and name cannot change in place; the token must be replaced`,
    );
  }
  const password = olds.password ?? "";
  const patch = patchBetween(olds, news);
  if (Object.keys(patch).length === 0) {
    return { ...(olds as TokenOutputs), ...news, ...localInputsOf(news), password };
  }
  try {
    const token = await api.patch(registryId, tokenId, patch);
    return toOutputs(registryId, token, password, news);
  } catch (error) {
    if (isIonosApiError(error) && error.ambiguous) {
      // The answer was lost or a 5xx, but the change may have landed: if the token now holds exactly the
      // declared values, the update happened.
      const live = await liveIfApplied(api, registryId, tokenId, olds, news);
      if (live) return toOutputs(registryId, live, password, news);
    }
    if (!isNotFound(error)) throw error;
  }
  refuseStaleExpiry(id, news, nowMs);
  return recreateToken(api, tokenId, news);
}

/**
 * A vanished token is recreated with its declared expiry, which the API refuses unless it lies at least an
 * hour ahead. Usually the token vanished because it expired: say so, and what to change, before any write.
 */
function refuseStaleExpiry(id: string, news: TokenInputs, nowMs: number): void {
  const expiry = news.expiryDate == null ? undefined : parseRfc3339(news.expiryDate);
  if (expiry === undefined || expiry >= nowMs + MIN_EXPIRY_LEAD_MS) return;
  const next =
    news.expiresIn != null
      ? "Run `pulumi up` again: a token with expiresIn this close to its expiry is replaced by a new one."
      : "Set a later expiryDate (or remove it) and run `pulumi up` again.";
  throw new Error(
    `RegistryToken ${id} no longer exists (IONOS deletes a token when it expires), and it cannot be recreated ` +
      `with expiryDate ${news.expiryDate}: the API needs an expiry at least one hour ahead. Nothing was ` +
      `changed. ${next}`,
  );
}

/** The live token when it already holds every declared value (nothing left to PATCH); otherwise undefined. */
async function liveIfApplied(
  api: TokensApi,
  registryId: string,
  tokenId: string,
  olds: Partial<TokenOutputs>,
  news: TokenInputs,
): Promise<WireToken | undefined> {
  try {
    const live = await api.get(registryId, tokenId);
    const now = toOutputs(registryId, live, olds.password ?? "", news);
    return Object.keys(patchBetween(now, news)).length === 0 ? live : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deletes a token; one that is already gone counts as deleted. A DELETE whose answer was lost or was a 5xx
 * (an `ambiguous` error) may still have deleted the token: a GET then tells, so that a token that is gone is
 * reported deleted rather than kept in the state although it no longer exists.
 */
export async function deleteToken(api: TokensApi, id: string): Promise<void> {
  const { registryId, tokenId } = parseResourceId(id);
  try {
    await api.delete(registryId, tokenId);
  } catch (error) {
    if (isNotFound(error)) return;
    if (isIonosApiError(error) && error.ambiguous && (await isGone(api, registryId, tokenId))) return;
    throw error;
  }
}

/** True only when a GET proves the token does not exist (404); any other answer or failure is not proof. */
async function isGone(api: TokensApi, registryId: string, tokenId: string): Promise<boolean> {
  try {
    await api.get(registryId, tokenId);
    return false;
  } catch (error) {
    return isNotFound(error);
  }
}
