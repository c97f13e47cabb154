/**
 * Look-up functions: read existing tokens without managing them, never with a password. The same functions
 * back the plugin's invokes and the plain TypeScript functions of `functions.ts`.
 */
import type { TokensApi } from "../client/tokens";
import { isNotFound } from "../client/errors";
import { toOutputs } from "../rules/mapping";
import type { RegistryTokenScope, RegistryTokenStatus } from "../rules/types";
import type { WireToken } from "../client/models";
import {
  checkTokenLookup,
  checkTokensLookup,
  type GetRegistryTokenArgs,
  type GetRegistryTokensArgs,
} from "../rules/validateLookup";

export type { GetRegistryTokenArgs, GetRegistryTokensArgs };

/** What a look-up tells about a token: everything but a password (the API shows that only at creation). */
export interface RegistryTokenInfo {
  registryId: string;
  tokenId: string;
  name: string;
  expiryDate: string | null;
  status: RegistryTokenStatus;
  scopes: RegistryTokenScope[];
  createdDate: string | null;
}

function infoOf(registryId: string, token: WireToken): RegistryTokenInfo {
  // The outputs' canonical forms, without the password (there is none to carry over here).
  const { tokenId, name, expiryDate, status, scopes, createdDate } = toOutputs(registryId, token, "", {});
  return { registryId, tokenId, name, expiryDate, status, scopes, createdDate: createdDate || null };
}

/**
 * One token, by `tokenId` (one GET) or by `name` (the registry's list, every page; see `findByName`). Throws
 * naming the argument before any API call when an argument breaks the resource's rules (`validateLookup.ts`),
 * and naming what was looked for when there is no such token.
 */
export async function lookUpToken(api: TokensApi, args: GetRegistryTokenArgs): Promise<RegistryTokenInfo> {
  const { registryId, tokenId, name } = checkTokenLookup(args);
  if (tokenId !== undefined) {
    try {
      return infoOf(registryId, await api.get(registryId, tokenId));
    } catch (error) {
      if (isNotFound(error)) {
        throw new Error(`getRegistryToken: no token ${tokenId} in registry ${registryId}`);
      }
      throw error;
    }
  }
  // The same look-up the create recovery uses: the exact name, else one differing only in case (the registry
  // treats those as one name).
  const found = await api.findByName(registryId, name as string);
  if (!found) throw new Error(`getRegistryToken: no token named "${name}" in registry ${registryId}`);
  return infoOf(registryId, found);
}

/** Every token of a registry (every page), optionally only those whose name starts with `namePrefix`. */
export async function lookUpTokens(
  api: TokensApi,
  args: GetRegistryTokensArgs,
): Promise<{ tokens: RegistryTokenInfo[] }> {
  const { registryId, namePrefix } = checkTokensLookup(args);
  const tokens = await api.list(registryId);
  return {
    tokens: tokens
      .filter((t) => namePrefix === undefined || t.properties.name.startsWith(namePrefix))
      .map((t) => infoOf(registryId, t)),
  };
}
