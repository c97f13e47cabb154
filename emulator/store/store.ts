/**
 * The storage contract behind the emulator's model. Rules every implementation keeps:
 *
 * - reads return fresh copies: changing a returned record never changes the store;
 * - lists keep creation order, and replacing a record keeps its place;
 * - each mutating call is all-or-nothing: if it throws, the stored state is as before the call;
 * - deleting a registry deletes its tokens in the same step.
 *
 * The store does not check API rules (unique names, patterns): that is the model's job.
 */
import type { RegistryRecord, StateSnapshot, TokenRecord } from "../model/records";

/** The fields of a token the model scans on every request (expiry sweep, name clash), copied cheaply. */
export type TokenSummary = Pick<TokenRecord, "id" | "registryId" | "name" | "expiryDate">;

/** CRUD over registries and tokens; see the module comment for the rules. */
export interface Store {
  /** The registry with this id, or undefined. */
  getRegistry(id: string): RegistryRecord | undefined;
  /** All registries in creation order. */
  listRegistries(): RegistryRecord[];
  /** Inserts or replaces a registry (by id). */
  putRegistry(record: RegistryRecord): void;
  /** Deletes a registry and all its tokens; returns false when there was none. */
  deleteRegistry(id: string): boolean;
  /** The token with this id (in any registry), or undefined. */
  getToken(id: string): TokenRecord | undefined;
  /** The tokens of one registry in creation order. */
  listTokens(registryId: string): TokenRecord[];
  /** All tokens of all registries in creation order. */
  listAllTokens(): TokenRecord[];
  /** {@link TokenSummary} of every token in creation order: a scan that does not deep-copy whole records. */
  listTokenSummaries(): TokenSummary[];
  /** Inserts or replaces a token (by id). */
  putToken(record: TokenRecord): void;
  /** Deletes the tokens with these ids in one step; returns how many existed. */
  deleteTokens(ids: readonly string[]): number;
  /** A deep copy of everything stored. */
  snapshot(): StateSnapshot;
  /** Flushes and releases resources; later calls are not allowed. */
  close(): void;
}
