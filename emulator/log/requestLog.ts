/**
 * The log of API requests served, for tests and benchmarks. An entry holds only method, path (no query),
 * status, operation and times: never headers, bodies, passwords or credentials.
 */
import { LIMITS } from "../limits";

/** One served API request. */
export interface RequestLogEntry {
  /** HTTP method, upper case. */
  method: string;
  /** URL path without the query string, e.g. `/containerregistries/registries/…/tokens`. */
  path: string;
  /** Status sent; 0 when the connection was reset instead of answered. */
  status: number;
  /** operationId (e.g. `registriesTokensPost`), or `unknown` for an unmatched route. */
  operation: string;
  /** When the request arrived (wall-clock ISO 8601, not the injected clock). */
  at: string;
  /** Milliseconds from arrival to response (or reset). */
  durationMs: number;
  /** The injected fault that shaped the answer, if any: `status`, `rateLimit`, `reset`, `commitThenStatus`, `commitThenReset`. */
  fault?: string;
}

/**
 * A bounded, in-memory log with an optional listener: API requests by default, and also the registry token
 * endpoint's decisions.
 */
export class RequestLog<Entry extends object = RequestLogEntry> {
  private entries: Entry[] = [];

  /**
   * @param listener - called with each new entry (e.g. the CLI prints to stderr); its errors are ignored
   * @param capacity - entries kept; the oldest go first
   */
  constructor(
    private readonly listener?: (entry: Entry) => void,
    private readonly capacity: number = LIMITS.requestLogCapacity,
  ) {}

  /** Appends an entry and tells the listener. */
  add(entry: Entry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    try {
      this.listener?.({ ...entry });
    } catch {
      // A broken listener must not break request handling.
    }
  }

  /** A copy of the entries, oldest first. */
  list(): Entry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Forgets all entries. */
  clear(): void {
    this.entries = [];
  }
}
