/**
 * The Pulumi type tokens a `RegistryToken` has in a stack, one per mode. Kept apart from the commands that
 * use them so that reading a type does not load `@pulumi/pulumi`.
 */

/** The dynamic provider's type: a dynamic resource of module `ionos`. */
export const REGISTRY_TOKEN_TYPE = "pulumi-nodejs:dynamic/ionos:RegistryToken";

/** The plugin's type (`provider/plugin/schema.ts`'s `PLUGIN_TOKEN_TYPE`; a test keeps the two equal). */
export const PLUGIN_REGISTRY_TOKEN_TYPE = "ionos-registry-token:index:RegistryToken";

/** The types of a `RegistryToken` in either mode. */
export const REGISTRY_TOKEN_TYPES: readonly string[] = [REGISTRY_TOKEN_TYPE, PLUGIN_REGISTRY_TOKEN_TYPE];
