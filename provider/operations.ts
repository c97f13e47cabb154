import { isIonosApiError, type IonosApiError } from "./client/errors";
import type { WireToken } from "./client/models";
import type { TokensApi } from "./client/tokens";
import {
  inputsOf,
  localInputsOf,
  parseResourceId,
  patchBetween,
  resourceId,
  toOutputs,
  toWriteBody,
} from "./mapping";
import { parseRfc3339 } from "./normalize";
import type { TokenInputs, TokenOutputs } from "./types";

/** Attempts at creating a token when the API's answers are lost and each orphan must be cleaned up first. */
const MAX_CREATE_ATTEMPTS = 3;

/**
 * A token found by name after a lost POST answer counts as ours when the server says it was created no earlier
 * than this before our attempt started (allowing for clock skew between us and the API).
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Result of a create: the resource ID and every output, the one-time password included. */
export interface CreatedToken {
  id: string;
  outs: TokenOutputs;
}

/**
 * Creates a token with POST. A POST whose answer is lost (timeout, reset, 5xx) may still have created the
 * token, whose password we would then never see. Names are unique per registry, so the token is looked up by
 * name: one created by that attempt is deleted and the POST retried; one that existed before is reported as a
 * name conflict. A live token is never left behind a failed create, and no create succeeds without a password.
 */
export async function createToken(
  api: TokensApi,
  inputs: TokenInputs,
  now: () => number = Date.now,
): Promise<CreatedToken> {
  const body = toWriteBody(inputs);
  for (let attempt = 1; ; attempt++) {
    const startedAt = now();
    let token: WireToken;
    try {
      token = await api.create(inputs.registryId, body);
    } catch (error) {
      if (isIonosApiError(error) && error.status === 409) throw nameTaken(inputs);
      if (!isIonosApiError(error) || !error.ambiguous) throw error;
      await removeOrphan(api, inputs, startedAt, error);
      if (attempt >= MAX_CREATE_ATTEMPTS) throw error;
      continue;
    }
    const password = token.properties.credentials?.password;
    if (!password) {
      await api.delete(inputs.registryId, token.id);
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
  const created = parseRfc3339(found.metadata?.createdDate ?? "");
  if (created === undefined || created < startedAt - CLOCK_SKEW_MS) throw nameTaken(inputs);
  await api.delete(inputs.registryId, found.id);
}

function nameTaken(inputs: TokenInputs): Error {
  return new Error(
    `A token named "${inputs.name}" already exists in registry ${inputs.registryId} (names are unique per registry). ` +
      "Choose another name, omit `name` to get a generated one, or delete the existing token.",
  );
}

/** Result of a read: an empty `id` tells the engine the token is gone. */
export interface ReadToken {
  id: string;
  props?: TokenOutputs;
  inputs?: TokenInputs;
}

/**
 * Reads the live token for refresh (and for `RegistryToken.get`). The API never returns the password again, so
 * the stored one is carried over; a token read from its ID alone has none, which is said once on stderr.
 */
export async function readToken(
  api: TokensApi,
  id: string,
  props: Partial<TokenOutputs>,
): Promise<ReadToken> {
  const { registryId, tokenId } = parseResourceId(id);
  let token: WireToken;
  try {
    token = await api.get(registryId, tokenId);
  } catch (error) {
    if (isIonosApiError(error) && error.status === 404) return { id: "" };
    throw error;
  }
  const password = typeof props.password === "string" ? props.password : "";
  if (!password) {
    console.warn(
      `RegistryToken ${id}: the API returns a token's password only when the token is created, so it cannot be ` +
        "recovered for an existing token; the password output is empty. Replace the token to get a new one.",
    );
  }
  const outs = toOutputs(registryId, token, password, props);
  return { id: resourceId(registryId, token.id), props: outs, inputs: inputsOf(outs) };
}

/**
 * Updates a token in place with one PATCH of just what changed (none when only provider-side inputs changed).
 * If the token vanished meanwhile, it is recreated at the same ID with PUT, which yields a new password.
 */
export async function updateToken(
  api: TokensApi,
  id: string,
  olds: Partial<TokenOutputs>,
  news: TokenInputs,
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
    const { rotationDue: _due, ...inputs } = news;
    return { ...(olds as TokenOutputs), ...inputs, ...localInputsOf(news), password };
  }
  try {
    const token = await api.patch(registryId, tokenId, patch);
    return toOutputs(registryId, token, password, news);
  } catch (error) {
    if (!isIonosApiError(error) || error.status !== 404) throw error;
  }
  const token = await api.put(registryId, tokenId, toWriteBody(news));
  const fresh = token.properties.credentials?.password;
  return toOutputs(registryId, token, fresh || password, news);
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
    if (isIonosApiError(error) && error.status === 404) return;
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
    return isIonosApiError(error) && error.status === 404;
  }
}
