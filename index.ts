/**
 * The root Pulumi program (see `Pulumi.yaml`). It declares nothing yet: the `RegistryToken` resource arrives
 * with the provider.
 */
export {};
