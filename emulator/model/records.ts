/**
 * The stored shapes of registries and tokens. They are plain JSON (what the file store writes) and never
 * hold a token password: the password exists only in the one response that creates the token.
 */

/** A token scope as the API spells it: a repository name or pattern, a type, and actions. */
export interface Scope {
  /** Repository name or pattern; `*` means every repository. */
  name: string;
  /** `repository` or `registry` (the emulator's strict choice; the spec has no enum). */
  type: string;
  /** Non-empty subset of `pull`, `push`, `delete`. */
  actions: string[];
}

/** `enabled` or `disabled`, exactly as on the wire. */
export type TokenStatus = "enabled" | "disabled";

/** Who created or last changed a resource, as shown in `metadata`. */
export interface Actor {
  /** Shown as `createdBy` / `lastModifiedBy` (an e-mail-like name). */
  email: string;
  /** Shown as `createdByUserId` / `lastModifiedByUserId` (a uuid derived from {@link Actor.email}). */
  userId: string;
}

/** The audit fields common to registries and tokens; dates are `YYYY-MM-DDTHH:MM:SSZ`. */
export interface AuditFields {
  createdDate: string;
  createdBy: string;
  createdByUserId: string;
  /** Set on the first change after creation, absent before. */
  lastModifiedDate?: string;
  lastModifiedBy?: string;
  lastModifiedByUserId?: string;
}

/** A stored token. */
export interface TokenRecord extends AuditFields {
  /** Lower-case uuid, unique across all registries. */
  id: string;
  registryId: string;
  /** Immutable after creation; also the credentials' username. */
  name: string;
  status: TokenStatus;
  /** `YYYY-MM-DDTHH:MM:SSZ`, or null for no expiry. */
  expiryDate: string | null;
  scopes: Scope[];
  /**
   * SHA-256 of the password (base64url), so the registry token server can check `docker login` credentials.
   * Absent in tokens written by emulators before 0.2.0, which therefore cannot log in to a registry. Never
   * rendered by the API.
   */
  passwordDigest?: string;
}

/** The garbage-collection schedule of a registry, as on the wire. */
export interface WeeklySchedule {
  days: string[];
  time: string;
}

/** A stored registry. */
export interface RegistryRecord extends AuditFields {
  /** Lower-case uuid. */
  id: string;
  /** Unique, lower-case registry name. */
  name: string;
  location: string;
  garbageCollectionSchedule: WeeklySchedule | null;
  /** Newer-API field, kept so clients that send it are not rejected. */
  features?: { vulnerabilityScanning?: { enabled: boolean } };
  /** Newer-API field: CIDRs or IPs allowed to call the registry API. */
  apiSubnetAllowList?: string[];
}

/** Everything the emulator stores, in creation order. */
export interface StateSnapshot {
  registries: RegistryRecord[];
  tokens: TokenRecord[];
}
