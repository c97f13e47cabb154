/**
 * The IONOS Cloud Container Registry API emulator, in process: `startEmulator(options)` resolves once the
 * server listens. See `options.ts` for the options and the returned handle, `faults/types.ts` for fault
 * plans, and `cli.ts` for the command line.
 */
import { createAdmin } from "./admin";
import { FaultPlan } from "./faults/plan";
import { createAdminRouter } from "./http/adminRoutes";
import { registryHandlers } from "./http/handlers/registries";
import { tokenHandlers } from "./http/handlers/tokens";
import { API_PREFIX, createRequestListener } from "./http/pipeline";
import { listen, urlHost } from "./http/server";
import { RequestLog } from "./log/requestLog";
import { actorFor, SEED_EMAIL } from "./model/actor";
import { RegistryModel } from "./model/registries";
import { TokenModel } from "./model/tokens";
import {
  resolveCredentials,
  resolveOptions,
  type EmulatorOptions,
  type ResolvedOptions,
  type RunningEmulator,
} from "./options";
import { FileStore } from "./store/file";
import { MemoryStore } from "./store/memory";
import type { Store } from "./store/store";
import { parseId } from "./validate/params";
import { parseRegistryBody } from "./validate/registries";

// The public types and constants; each is documented where it is defined.
export type { EmulatorOptions, RunningEmulator, EmulatorAdmin, AdminTokenPatch } from "./options";
export type { RequestLogEntry } from "./log/requestLog";
export type { TokenView, RegistryView, MetadataView } from "./model/views";
export type { Scope, TokenStatus } from "./model/records";
export type {
  FaultOptions,
  FaultRule,
  FaultAction,
  FaultMatch,
  LatencyFault,
  RateLimitFault,
  StatusFaultAction,
  ResetFaultAction,
  CommitThenStatusFaultAction,
  CommitThenResetFaultAction,
  DelayFaultAction,
} from "./faults/types";
export { OPERATIONS, type OperationId } from "./http/routes";
export { ApiProblem, isApiProblem, ERROR_CODES, type ApiErrorResponse, type ErrorCode } from "./errors";
export { LIMITS } from "./limits";

/**
 * Starts the emulator.
 * @param options - see {@link EmulatorOptions}; every field is optional
 * @returns the running emulator once it listens
 * @throws (rejects) for invalid options, an unreadable `dataFile`, an invalid seed registry or fault plan,
 *   or a listen error such as EADDRINUSE
 */
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const opts = resolveOptions(options);
  const store: Store = opts.dataFile === undefined ? new MemoryStore() : new FileStore(opts.dataFile);
  const models = {
    tokens: new TokenModel({ store, clock: opts.clock }),
    registries: new RegistryModel(store, opts.clock),
  };
  const seeded = seedRegistries(models.registries, opts);
  let faults = new FaultPlan(opts.faults);
  const setFaults = (next: Parameters<RunningEmulator["setFaults"]>[0]): void => {
    faults = new FaultPlan(next);
  };
  let credentials = opts.credentials;
  const log = new RequestLog(opts.onRequest);
  const admin = createAdmin(models);
  let baseUrl = "";
  const adminRouter = createAdminRouter({
    admin,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    getFaults: () => faults.describe(),
    setFaults,
    maxBodyBytes: opts.maxBodyBytes,
    onError: opts.onError,
  });
  const listener = createRequestListener({
    handlers: { ...tokenHandlers(models), ...registryHandlers(models) },
    credentials: () => credentials,
    maxBodyBytes: opts.maxBodyBytes,
    clock: opts.clock,
    faults: () => faults,
    log,
    baseUrl: () => baseUrl,
    ...(opts.adminHttp ? { admin: adminRouter } : {}),
    onError: opts.onError,
  });
  const server = await listen(listener, opts.host, opts.port);
  baseUrl = `http://${urlHost(opts.host)}:${server.port}${API_PREFIX}`;
  return {
    url: baseUrl,
    port: server.port,
    registries: seeded,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    setFaults,
    setCredentials: (next) => {
      credentials = resolveCredentials(next);
    },
    admin,
    close: async () => {
      await server.close();
      store.close();
    },
  };
}

/** Creates the seed registries, reusing one with the same id (or else the same name) from a data file. */
function seedRegistries(
  registries: RegistryModel,
  opts: ResolvedOptions,
): Array<{ id: string; name: string }> {
  const actor = actorFor(SEED_EMAIL);
  return opts.registries.map((seed) => {
    const input = parseRegistryBody({ properties: { name: seed.name, location: seed.location } });
    const id = seed.id === undefined ? undefined : parseId(seed.id, "registries[].id");
    const existing = registries.list().find((r) => r.id === id) ?? registries.findByName(seed.name);
    const record = existing ?? registries.create(input, actor, seed.id);
    return { id: record.id, name: record.name };
  });
}
