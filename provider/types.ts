import type * as pulumi from "@pulumi/pulumi";

/** What a scope grants on: `repository` (repository contents) or `registry` (listing its repositories). */
export type RegistryTokenScopeType = "repository" | "registry";

/** An action a scope can allow. */
export type RegistryTokenScopeAction = "pull" | "push" | "delete";

/** Whether a token can be used. */
export type RegistryTokenStatus = "enabled" | "disabled";

/** A permission grant: `actions` on the repositories matching `name` (`*` matches all). */
export interface RegistryTokenScope {
  /** Repository name or pattern; `*` means every repository. */
  name: string;
  /** `repository` or `registry`. */
  type: RegistryTokenScopeType;
  /** Non-empty; duplicates are removed. */
  actions: RegistryTokenScopeAction[];
}

/** Inputs of a {@link RegistryTokenScope}, as a program may pass them. */
export interface RegistryTokenScopeArgs {
  name: pulumi.Input<string>;
  type: pulumi.Input<RegistryTokenScopeType>;
  actions: pulumi.Input<pulumi.Input<RegistryTokenScopeAction>[]>;
}

/** The arguments of a `RegistryToken`. */
export interface RegistryTokenArgs {
  /** The registry (UUID) that owns the token. Changing it replaces the token. */
  registryId: pulumi.Input<string>;
  /**
   * The token name, which is also the `docker login` username: 2–63 characters, letters, digits and hyphens,
   * starting with a letter and ending with a letter or digit; unique per registry. Changing it replaces the
   * token. When omitted, a name is generated once from `namePrefix` plus a random suffix and kept.
   */
  name?: pulumi.Input<string>;
  /** Prefix of a generated name (≤ 54 characters, starts with a letter). @default the resource name, cleaned */
  namePrefix?: pulumi.Input<string>;
  /** When the token expires (RFC 3339 string or Date; at least one hour ahead). Absent or null: never. */
  expiryDate?: pulumi.Input<string | Date | null>;
  /** @default "enabled" */
  status?: pulumi.Input<RegistryTokenStatus>;
  /** What the token may do. @default [] (no permissions) */
  scopes?: pulumi.Input<pulumi.Input<RegistryTokenScopeArgs>[]>;
}

/** Inputs after `check`: validated, defaults applied, dates in canonical UTC form. */
export interface TokenInputs {
  registryId: string;
  name: string;
  namePrefix: string | null;
  expiryDate: string | null;
  status: RegistryTokenStatus;
  scopes: RegistryTokenScope[];
}

/** Outputs of a `RegistryToken`, as stored in the state. `password` is a secret. */
export interface TokenOutputs extends TokenInputs {
  tokenId: string;
  username: string;
  password: string;
  createdDate: string;
}
