/**
 * The public option and result types of `startEmulator`, and their defaults: loopback, an ephemeral
 * port, memory storage, no faults, the real clock.
 */
import type { FaultOptions } from "./faults/types";
import { LIMITS } from "./limits";
import type { RequestLogEntry } from "./log/requestLog";
import type { AuthDecision } from "./registry/tokenServer";
import type { Scope, TokenStatus } from "./model/records";
import type { RegistryView, TokenView } from "./model/views";

/** Options of `startEmulator`; all optional. */
export interface EmulatorOptions {
  /** Interface to bind. @default "127.0.0.1" */
  host?: string;
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * Accepted credentials: a Bearer `token` and/or a Basic `username` + `password`.
   * @default none, in which case any non-empty Basic or Bearer credentials pass
   */
  credentials?: { token?: string; username?: string; password?: string };
  /** The initial fault plan; change it later with {@link RunningEmulator.setFaults}. @default {} (no faults) */
  faults?: FaultOptions;
  /** The clock for timestamps and token expiry; tests inject one instead of waiting. @default () => new Date() */
  clock?: () => Date;
  /**
   * Registries that must exist at start. An entry whose `id`, or else whose `name`, already exists (from
   * `dataFile`) is reused, not duplicated. @default [] ; `location` defaults to "de/fra"
   */
  registries?: Array<{ name: string; location?: string; id?: string }>;
  /** Persist state to this JSON file (atomic writes); created when missing. @default in memory only */
  dataFile?: string;
  /** Largest accepted request body in bytes; larger ones get 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** Called with every API request log entry (e.g. the CLI prints them to stderr). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Serve the out-of-band admin endpoints under `/_emulator/…` (no API auth). @default true */
  adminHttp?: boolean;
  /**
   * Required as `Authorization: Bearer <adminToken>` on every `/_emulator/…` request when set. Without it the
   * admin routes answer loopback clients only (403 for others). @default none
   */
  adminToken?: string;
  /**
   * Serve each registry as a real Docker Distribution registry on a loopback port, with token auth against
   * this emulator (see `docs/emulator.md`). `true` finds the binary on PATH. @default false
   */
  serveRegistry?: boolean | { binary?: string; storageDir?: string };
  /** Called with every decision of the registry token endpoint (the CLI prints them to stderr). */
  onAuthDecision?: (decision: AuthDecision) => void;
  /** Told about unexpected internal errors (bugs), which clients see as 500. @default prints to stderr */
  onError?: (err: unknown) => void;
  /** Told about events worth a warning, such as a registry server that died. @default prints to stderr */
  onWarning?: (message: string) => void;
}

/** A change an out-of-band actor makes to a token (same fields as the API's PATCH body). */
export interface AdminTokenPatch {
  status?: TokenStatus;
  scopes?: Scope[];
  /** RFC 3339, or null to clear. A past date is allowed: the token is then deleted as expired. */
  expiryDate?: string | null;
}

/**
 * Out-of-band access to the emulator's state, for drift tests: changes here bypass the API (no auth, no
 * faults, no request log) but follow the same validation. Methods throw `ApiProblem` for unknown
 * registries or tokens and for invalid values.
 */
export interface EmulatorAdmin {
  /** Creates a registry (name pattern `^[a-z][-a-z0-9]{1,61}[a-z0-9]$`, location default "de/fra"). */
  createRegistry(name: string, location?: string): { id: string; name: string };
  /** All registries, as the API renders them. */
  listRegistries(): RegistryView[];
  /** Deletes a registry and its tokens; false when there was none. */
  deleteRegistry(registryId: string): boolean;
  /** The registry's tokens as the API renders them (`credentials.password` is ""). */
  listTokens(registryId: string): TokenView[];
  /** One token, or undefined when unknown. */
  getToken(registryId: string, tokenId: string): TokenView | undefined;
  /** Changes status, scopes and/or expiry as another API user would; returns the token after the change. */
  patchToken(registryId: string, tokenId: string, patch: AdminTokenPatch): TokenView;
  /** Deletes a token; false when there was none. */
  deleteToken(registryId: string, tokenId: string): boolean;
}

/** A started emulator. */
export interface RunningEmulator {
  /** The API base URL, e.g. `http://127.0.0.1:PORT/containerregistries`. */
  url: string;
  /** The bound port. */
  port: number;
  /** The registries from {@link EmulatorOptions.registries}, in the same order. */
  /** `hostname` as in {@link RunningEmulator.registryAddress}. */
  registries: Array<{ id: string; name: string; hostname: string }>;
  /** A copy of the API request log, oldest first. */
  requests(): RequestLogEntry[];
  /** Empties the request log. */
  clearRequests(): void;
  /** Replaces the fault plan (its counters and random sequence restart). @throws ApiProblem for an invalid plan */
  setFaults(faults: FaultOptions): void;
  /**
   * Accepts these API credentials from the next request on, and no longer the ones before: an API token
   * rotated (or a password changed) in the IONOS account. Validated like {@link EmulatorOptions.credentials}.
   */
  setCredentials(credentials: NonNullable<EmulatorOptions["credentials"]>): void;
  /** Out-of-band state access. */
  admin: EmulatorAdmin;
  /**
   * Where clients reach registry `registryId` (its API `hostname`): with {@link EmulatorOptions.serveRegistry},
   * `127.0.0.1:PORT` once its server runs (this waits for it), else `<name>.cr.ionos.com`.
   * @throws (rejects) ApiProblem 404 for an unknown registry
   */
  registryAddress(registryId: string): Promise<string>;
  /** A copy of the registry token endpoint's decisions, oldest first. */
  authDecisions(): AuthDecision[];
  /** Stops listening and drops open connections; safe to call twice. */
  close(): Promise<void>;
}

/** {@link EmulatorOptions} with defaults applied. */
export interface ResolvedOptions {
  host: string;
  port: number;
  credentials: { token?: string; username?: string; password?: string };
  faults: FaultOptions;
  clock: () => Date;
  registries: Array<{ name: string; location: string; id?: string }>;
  dataFile: string | undefined;
  maxBodyBytes: number;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
  adminHttp: boolean;
  adminToken: string | undefined;
  serveRegistry: { binary?: string; storageDir?: string } | undefined;
  onAuthDecision: ((decision: AuthDecision) => void) | undefined;
  onError: (err: unknown) => void;
  onWarning: (message: string) => void;
}

/** The location used when a registry is created without one. */
export const DEFAULT_LOCATION = "de/fra";

/**
 * The accepted credentials, without empty values: an empty string means "not set", so `--token ""` cannot lock
 * every client out.
 * @throws TypeError for a username without password, or the reverse
 */
export function resolveCredentials(
  credentials: NonNullable<EmulatorOptions["credentials"]>,
): ResolvedOptions["credentials"] {
  const accepted = Object.fromEntries(
    Object.entries(credentials).filter(([, v]) => v !== undefined && v !== ""),
  ) as ResolvedOptions["credentials"];
  if ((accepted.username === undefined) !== (accepted.password === undefined)) {
    throw new TypeError("credentials.username and credentials.password must be given together");
  }
  return accepted;
}

/**
 * Applies the defaults.
 * @throws TypeError for a port outside 0–65535, a non-positive body limit, or a username without password
 */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`invalid port ${port}`);
  if (options.adminToken !== undefined && /\s/.test(options.adminToken))
    throw new TypeError("adminToken must not contain whitespace (it travels as a Bearer token)");
  const maxBodyBytes = options.maxBodyBytes ?? LIMITS.maxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new TypeError("maxBodyBytes must be a positive integer");
  return {
    host: options.host ?? "127.0.0.1",
    port,
    credentials: resolveCredentials(options.credentials ?? {}),
    faults: options.faults ?? {},
    clock: options.clock ?? (() => new Date()),
    registries: (options.registries ?? []).map((r) => ({ ...r, location: r.location ?? DEFAULT_LOCATION })),
    dataFile: options.dataFile,
    maxBodyBytes,
    onRequest: options.onRequest,
    adminHttp: options.adminHttp ?? true,
    adminToken: options.adminToken === "" ? undefined : options.adminToken,
    serveRegistry: options.serveRegistry === true ? {} : options.serveRegistry || undefined,
    onAuthDecision: options.onAuthDecision,
    onError: options.onError ?? ((err) => process.stderr.write(`emulator: internal error: ${String(err)}\n`)),
    onWarning: options.onWarning ?? ((message) => process.stderr.write(`emulator: warning: ${message}\n`)),
  };
}
