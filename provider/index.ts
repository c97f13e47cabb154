/**
 * Public API of the package: the `RegistryToken` resource, its argument and scope types, the provider
 * instance it uses, and the look-up functions.
 */
export { RegistryToken } from "./registryToken";
export { registryTokenProvider, RegistryTokenProvider } from "./lifecycle";
export type {
  RegistryTokenArgs,
  RegistryTokenScope,
  RegistryTokenScopeArgs,
  RegistryTokenScopeAction,
  RegistryTokenScopeType,
  RegistryTokenStatus,
  TokenInputs,
  TokenOutputs,
} from "./types";
export {
  getRegistryToken,
  getRegistryTokens,
  type GetRegistryTokenArgs,
  type GetRegistryTokensArgs,
  type RegistryTokenInfo,
} from "./functions";
export { dockerConfigJson, renderDockerConfigJson, type DockerConfigJsonArgs } from "./dockerConfig";
