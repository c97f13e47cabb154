/**
 * Public API of the package: the `RegistryToken` resource, its argument and scope types, the provider
 * instance it uses, and the look-up functions.
 */
export { RegistryToken } from "./dynamic/registryToken";
export { registryTokenProvider, RegistryTokenProvider } from "./dynamic/glue";
export type {
  RegistryTokenArgs,
  RegistryTokenScope,
  RegistryTokenScopeArgs,
  RegistryTokenScopeAction,
  RegistryTokenScopeType,
  RegistryTokenStatus,
  TokenInputs,
  TokenOutputs,
} from "./rules/types";
export {
  getRegistryToken,
  getRegistryTokens,
  type GetRegistryTokenArgs,
  type GetRegistryTokensArgs,
  type RegistryTokenInfo,
} from "./dynamic/functions";
export { dockerConfigJson, renderDockerConfigJson, type DockerConfigJsonArgs } from "./dynamic/dockerConfig";
