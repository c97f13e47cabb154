/**
 * The file-backed {@link Store}: a {@link MemoryStore} whose every successful mutation is written to one
 * JSON file atomically before the call returns. If the write fails, the in-memory change is rolled back,
 * so memory and file never disagree and the caller sees the failure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RegistryRecord, StateSnapshot, TokenRecord } from "../model/records";
import { MemoryStore } from "./memory";
import { readSnapshot, writeSnapshotAtomic } from "./snapshotFile";
import type { Store, TokenSummary } from "./store";

/** A {@link Store} persisted to `file` (created on the first write; loaded when it exists). */
export class FileStore implements Store {
  private readonly memory: MemoryStore;

  /**
   * @param file - path of the JSON state file; missing parent folders are created
   * @throws Error when the file exists but is not a valid state file
   */
  constructor(private readonly file: string) {
    this.memory = new MemoryStore(readSnapshot(file));
    // `--data state/emulator.json` should work on a fresh clone, where `state/` does not exist yet.
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }

  getRegistry(id: string): RegistryRecord | undefined {
    return this.memory.getRegistry(id);
  }

  listRegistries(): RegistryRecord[] {
    return this.memory.listRegistries();
  }

  putRegistry(record: RegistryRecord): void {
    this.mutate(() => this.memory.putRegistry(record));
  }

  deleteRegistry(id: string): boolean {
    return this.mutate(() => this.memory.deleteRegistry(id));
  }

  getToken(id: string): TokenRecord | undefined {
    return this.memory.getToken(id);
  }

  listTokens(registryId: string): TokenRecord[] {
    return this.memory.listTokens(registryId);
  }

  listAllTokens(): TokenRecord[] {
    return this.memory.listAllTokens();
  }

  listTokenSummaries(): TokenSummary[] {
    return this.memory.listTokenSummaries();
  }

  putToken(record: TokenRecord): void {
    this.mutate(() => this.memory.putToken(record));
  }

  deleteTokens(ids: readonly string[]): number {
    return this.mutate(() => this.memory.deleteTokens(ids));
  }

  snapshot(): StateSnapshot {
    return this.memory.snapshot();
  }

  close(): void {
    // Every mutation is already on disk; nothing is buffered.
  }

  private mutate<T>(change: () => T): T {
    const before = this.memory.snapshot();
    const result = change();
    try {
      writeSnapshotAtomic(this.file, this.memory.snapshot());
    } catch (err) {
      this.memory.restore(before);
      throw err;
    }
    return result;
  }
}
