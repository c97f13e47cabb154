import type { WireToken, WireTokenPatch, WireTokenWrite } from "../client/models";
import { normalizeActions, normalizeDate, sameInstant, sameScopes } from "./normalize";
import type {
  LocalInputs,
  RegistryTokenScope,
  RegistryTokenStatus,
  TokenInputs,
  TokenOutputs,
} from "./types";

/** The resource ID of a token: `<registryId>/<tokenId>`. */
export function resourceId(registryId: string, tokenId: string): string {
  return `${registryId}/${tokenId}`;
}

const ID_PATTERN = /^([0-9a-fA-F-]{36})\/([0-9a-fA-F-]{36})$/;

/** Splits a resource ID; throws a message that shows the expected form when it is malformed. */
export function parseResourceId(id: string): { registryId: string; tokenId: string } {
  const m = ID_PATTERN.exec(id);
  if (!m) {
    throw new Error(
      `RegistryToken ID ${JSON.stringify(id)} is malformed: expected "<registryId>/<tokenId>" (two UUIDs)`,
    );
  }
  return { registryId: m[1].toLowerCase(), tokenId: m[2].toLowerCase() };
}

/** The POST/PUT `properties` for checked inputs. */
export function toWriteBody(inputs: TokenInputs): WireTokenWrite {
  return {
    name: inputs.name,
    expiryDate: inputs.expiryDate ?? null,
    scopes: inputs.scopes.map((s) => ({ name: s.name, type: s.type, actions: [...s.actions] })),
    status: inputs.status,
  };
}

/**
 * The PATCH body that turns `olds` into `news`: only what changed. `expiryDate: null` removes the expiry;
 * scopes are always sent as the full list (an empty list clears them).
 */
export function patchBetween(olds: Partial<TokenOutputs>, news: TokenInputs): WireTokenPatch {
  const patch: WireTokenPatch = {};
  if (!sameInstant(olds.expiryDate, news.expiryDate)) patch.expiryDate = news.expiryDate ?? null;
  if ((olds.status ?? "enabled") !== news.status) patch.status = news.status;
  if (!sameScopes(olds.scopes, news.scopes)) patch.scopes = toWriteBody(news).scopes;
  return patch;
}

/** The provider-side inputs of `props` (state written by older versions may lack some: null then). */
export function localInputsOf(props: Partial<LocalInputs>): LocalInputs {
  return {
    namePrefix: props.namePrefix ?? null,
    expiresIn: props.expiresIn ?? null,
    rotateBefore: props.rotateBefore ?? null,
    rotationTriggers: props.rotationTriggers ?? null,
  };
}

/**
 * The outputs for a live token. The password comes from the caller: the API returns it only when the token is
 * created, so every later read must carry the stored one over. `local` are the inputs only the provider knows.
 */
export function toOutputs(
  registryId: string,
  token: WireToken,
  password: string,
  local: Partial<LocalInputs>,
): TokenOutputs {
  const p = token.properties;
  return {
    registryId,
    name: p.name,
    ...localInputsOf(local),
    expiryDate: normalizeDate(p.expiryDate ?? null),
    status: (p.status ?? "enabled") as RegistryTokenStatus,
    scopes: (p.scopes ?? []).map((s) => ({
      name: s.name,
      type: s.type,
      actions: normalizeActions(s.actions ?? []),
    })) as RegistryTokenScope[],
    tokenId: token.id,
    username: p.credentials?.username || p.name,
    password,
    createdDate: normalizeDate(token.metadata?.createdDate ?? null) ?? "",
  };
}

/**
 * Checked inputs as the provider works with them: `check` leaves unset optional inputs out of what the engine
 * stores (so previews do not list them as `<null>`), and this puts them back as null.
 */
export function withUnsetAsNull(inputs: Partial<TokenInputs>): TokenInputs {
  return { ...inputs, ...localInputsOf(inputs), expiryDate: inputs.expiryDate ?? null } as TokenInputs;
}

/** The input view of outputs (what `read` reports as the token's current inputs). */
export function inputsOf(outputs: TokenOutputs): TokenInputs {
  const { registryId, name, expiryDate, status, scopes } = outputs;
  return { registryId, name, ...localInputsOf(outputs), expiryDate, status, scopes };
}
