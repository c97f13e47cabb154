/**
 * `getRegistryToken` and `getRegistryTokens` for TypeScript programs: plain async functions (a dynamic provider
 * has no invokes) with credentials resolved as the resource resolves them — stack config `ionoscloud:*`,
 * then the `IONOS_*` environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { tokensApiFor } from "../lifecycle/apiClient";
import type { TokensApi } from "../client/tokens";
import {
  lookUpToken,
  lookUpTokens,
  type GetRegistryTokenArgs,
  type GetRegistryTokensArgs,
  type RegistryTokenInfo,
} from "../lifecycle/lookup";

export type { GetRegistryTokenArgs, GetRegistryTokensArgs, RegistryTokenInfo } from "../lifecycle/lookup";

/** The stack config as the provider reads it (outside a Pulumi program there is none). */
function stackConfig(key: string): string | undefined {
  return pulumi.runtime.getConfig(key);
}

/** Runs `use` with an API client for the program's settings, and releases the client's sockets after. */
async function withStackApi<T>(use: (api: TokensApi) => Promise<T>): Promise<T> {
  const api = tokensApiFor(stackConfig, process.env);
  try {
    return await use(api);
  } finally {
    api.close();
  }
}

/** Looks up one token by `tokenId` or `name`; never returns a password. */
export function getRegistryToken(args: GetRegistryTokenArgs): Promise<RegistryTokenInfo> {
  return withStackApi((api) => lookUpToken(api, args));
}

/** Lists a registry's tokens (every page), optionally those whose name starts with `namePrefix`. */
export function getRegistryTokens(args: GetRegistryTokensArgs): Promise<{ tokens: RegistryTokenInfo[] }> {
  return withStackApi((api) => lookUpTokens(api, args));
}
