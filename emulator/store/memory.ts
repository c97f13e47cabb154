/**
 * The in-memory {@link Store}: two insertion-ordered Maps. Every read and write copies, so callers can
 * never alias stored records.
 */
import type { RegistryRecord, StateSnapshot, TokenRecord } from "../model/records";
import type { Store, TokenSummary } from "./store";

/** A {@link Store} that lives in memory; optionally starts from a snapshot. */
export class MemoryStore implements Store {
  private readonly registries = new Map<string, RegistryRecord>();
  private readonly tokens = new Map<string, TokenRecord>();

  /** @param initial - state to start from (copied) */
  constructor(initial?: StateSnapshot) {
    if (initial !== undefined) this.restore(initial);
  }

  getRegistry(id: string): RegistryRecord | undefined {
    return copy(this.registries.get(id));
  }

  listRegistries(): RegistryRecord[] {
    return [...this.registries.values()].map((r) => structuredClone(r));
  }

  putRegistry(record: RegistryRecord): void {
    this.registries.set(record.id, structuredClone(record));
  }

  deleteRegistry(id: string): boolean {
    if (!this.registries.delete(id)) return false;
    for (const [tokenId, token] of this.tokens) {
      if (token.registryId === id) this.tokens.delete(tokenId);
    }
    return true;
  }

  getToken(id: string): TokenRecord | undefined {
    return copy(this.tokens.get(id));
  }

  listTokens(registryId: string): TokenRecord[] {
    return this.listAllTokens().filter((t) => t.registryId === registryId);
  }

  listAllTokens(): TokenRecord[] {
    return [...this.tokens.values()].map((t) => structuredClone(t));
  }

  listTokenSummaries(): TokenSummary[] {
    return [...this.tokens.values()].map(({ id, registryId, name, expiryDate }) => ({
      id,
      registryId,
      name,
      expiryDate,
    }));
  }

  putToken(record: TokenRecord): void {
    this.tokens.set(record.id, structuredClone(record));
  }

  deleteTokens(ids: readonly string[]): number {
    let deleted = 0;
    for (const id of ids) if (this.tokens.delete(id)) deleted++;
    return deleted;
  }

  snapshot(): StateSnapshot {
    return { registries: this.listRegistries(), tokens: this.listAllTokens() };
  }

  /** Replaces everything with a copy of `state` (used to roll back a write that could not be persisted). */
  restore(state: StateSnapshot): void {
    this.registries.clear();
    this.tokens.clear();
    for (const r of state.registries) this.registries.set(r.id, structuredClone(r));
    for (const t of state.tokens) this.tokens.set(t.id, structuredClone(t));
  }

  close(): void {
    // Nothing to release; present to satisfy the Store lifecycle.
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
