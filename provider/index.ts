/**
 * Public API of the package: the `RegistryToken` resource, its argument and scope types, and the provider
 * instance it uses.
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
export { dockerConfigJson, renderDockerConfigJson, type DockerConfigJsonArgs } from "./dockerConfig";
