/**
 * `getRegistryToken` and `getRegistryTokens` for TypeScript programs: plain async functions (a dynamic provider
 * has no invokes) with credentials resolved as the resource resolves them — stack config `ionoscloud:*`,
 * then the `IONOS_*` environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { tokensApiFor } from "./apiClient";
import {
  lookUpToken,
  lookUpTokens,
  type GetRegistryTokenArgs,
  type GetRegistryTokensArgs,
  type RegistryTokenInfo,
} from "./lookup";

export type { GetRegistryTokenArgs, GetRegistryTokensArgs, RegistryTokenInfo } from "./lookup";

/** The stack config as the provider reads it (outside a Pulumi program there is none). */
function stackConfig(key: string): string | undefined {
  return pulumi.runtime.getConfig(key);
}

/** Looks up one token by `tokenId` or `name`; never returns a password. */
export async function getRegistryToken(args: GetRegistryTokenArgs): Promise<RegistryTokenInfo> {
  const api = tokensApiFor(stackConfig, process.env);
  try {
    return await lookUpToken(api, args);
  } finally {
    api.close();
  }
}

/** Lists a registry's tokens (every page), optionally those whose name starts with `namePrefix`. */
export async function getRegistryTokens(
  args: GetRegistryTokensArgs,
): Promise<{ tokens: RegistryTokenInfo[] }> {
  const api = tokensApiFor(stackConfig, process.env);
  try {
    return await lookUpTokens(api, args);
  } finally {
    api.close();
  }
}
