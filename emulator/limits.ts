/**
 * Every size and count limit of the emulator in one place. The real API documents none of these; each
 * value is a deliberate choice, listed in docs/emulator.md.
 */
export const LIMITS = {
  /** Default largest accepted request body; larger bodies get 413. */
  maxBodyBytes: 1024 * 1024,
  /** Default `limit` of the tokens list (the spec's default). */
  defaultPageLimit: 100,
  /** Largest accepted `limit`; larger values get 400 rather than being silently clamped. */
  maxPageLimit: 1000,
  /** Most scopes one token may have. */
  maxScopes: 100,
  /** Longest scope `name` (a repository name or pattern). */
  maxScopeNameLength: 255,
  /** Most entries in a registry's `apiSubnetAllowList` (documented as 25). */
  maxSubnets: 25,
  /** Request-log entries kept in memory; older ones are dropped first. */
  requestLogCapacity: 10_000,
} as const;
