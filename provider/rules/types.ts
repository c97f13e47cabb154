import type * as pulumi from "@pulumi/pulumi";

/** What a scope grants on: `repository` (repository contents) or `registry` (listing its repositories). */
export type RegistryTokenScopeType = "repository" | "registry";

/** An action a scope allows. */
export type RegistryTokenScopeAction = "pull" | "push" | "delete";

/** Whether a token can be used. */
export type RegistryTokenStatus = "enabled" | "disabled";

/** A permission grant: `actions` on the repositories matching `name` (`*` matches all). */
export interface RegistryTokenScope {
  /** Repository name or pattern; `*` means every repository. */
  name: string;
  /** What the scope grants on: `repository` or `registry`. */
  type: RegistryTokenScopeType;
  /** What the scope allows: one or more of `pull`, `push` and `delete`; duplicates are removed. */
  actions: RegistryTokenScopeAction[];
}

/** Inputs of a {@link RegistryTokenScope}, as a program may pass them. */
export interface RegistryTokenScopeArgs {
  name: pulumi.Input<string>;
  type: pulumi.Input<RegistryTokenScopeType>;
  actions: pulumi.Input<pulumi.Input<RegistryTokenScopeAction>[]>;
}

/**
 * The arguments of a `RegistryToken`. An optional input may also be an `Output` that resolves to `undefined`
 * (for example one computed from another resource): it then counts as absent, and rules that relate it to
 * other inputs wait until it is known.
 */
export interface RegistryTokenArgs {
  /** The registry (UUID) that owns the token. Changing it replaces the token. */
  registryId: pulumi.Input<string>;
  /**
   * The token name, which is also the `docker login` username: 2–63 characters, letters, digits and hyphens,
   * starting with a letter and ending with a letter or digit; unique per registry. Changing it replaces the
   * token. When omitted, a name is generated once from `namePrefix` plus a random suffix and kept.
   */
  name?: pulumi.Input<string | undefined>;
  /**
   * Prefix of a generated name: letters, digits and hyphens, starting with a letter, at most 54 characters.
   * Unused when `name` is given.
   * @default the resource name, with the characters a name cannot hold turned into hyphens
   */
  namePrefix?: pulumi.Input<string | undefined>;
  /**
   * When the token expires: an RFC 3339 date-time such as `2030-01-31T12:00:00Z`, at least one hour ahead.
   * Absent or null: never.
   * @remarks A TypeScript program may also pass a `Date`.
   */
  expiryDate?: pulumi.Input<string | Date | null | undefined>;
  /**
   * Lifetime of the token instead of a fixed `expiryDate`, e.g. `"90d"`, `"12h"`, `"1d12h"` (≥ 1 hour). The
   * expiry is set once, when the token is created, and kept until the token is replaced.
   */
  expiresIn?: pulumi.Input<string | undefined>;
  /**
   * With `expiresIn`: once the token is this close to its expiry (e.g. `"14d"`), the next `pulumi up` replaces
   * it — a generated name gets a new token before the old one is deleted. Without it, IONOS deletes the token
   * when it expires.
   */
  rotateBefore?: pulumi.Input<string | undefined>;
  /** Any values; changing one of them replaces the token (like `keepers` of Pulumi's random provider). */
  rotationTriggers?: pulumi.Input<Record<string, pulumi.Input<unknown>>>;
  /**
   * Whether the token can be used: `enabled` or `disabled`.
   * @default "enabled"
   */
  status?: pulumi.Input<RegistryTokenStatus | undefined>;
  /**
   * What the token may do: permission grants on the registry's repositories.
   * @default [] (no permissions)
   */
  scopes?: pulumi.Input<pulumi.Input<RegistryTokenScopeArgs>[]>;
}

/** Inputs the provider keeps for itself: the API knows nothing of them. */
export interface LocalInputs {
  namePrefix: string | null;
  expiresIn: string | null;
  rotateBefore: string | null;
  rotationTriggers: Record<string, unknown> | null;
}

/** Inputs after `check`: validated, defaults applied, dates in canonical UTC form. */
export interface TokenInputs extends LocalInputs {
  registryId: string;
  name: string;
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
