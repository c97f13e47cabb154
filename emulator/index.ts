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
import { API_PREFIX, createRequestListener, type PipelineDeps } from "./http/pipeline";
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
import { NAMED_ADDRESSES, RegistryHosting, type RegistryHostingOptions } from "./registry/hosting";
import { answerTokenRequest, TOKEN_PATH, type AuthDecision } from "./registry/tokenServer";
import * as path from "node:path";

// The public types and constants; each is documented where it is defined.
export type { EmulatorOptions, RunningEmulator, EmulatorAdmin, AdminTokenPatch } from "./options";
export type { RequestLogEntry } from "./log/requestLog";
export type { AuthDecision } from "./registry/tokenServer";
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
  const hosting = opts.serveRegistry === undefined ? undefined : new RegistryHosting(hostingOptions(opts));
  try {
    return await serve(opts, hosting);
  } catch (err) {
    // No registry server or temporary folder outlives a failed start.
    await hosting?.close();
    throw err;
  }
}

async function serve(opts: ResolvedOptions, hosting: RegistryHosting | undefined): Promise<RunningEmulator> {
  const store: Store = opts.dataFile === undefined ? new MemoryStore() : new FileStore(opts.dataFile);
  const models = {
    tokens: new TokenModel({ store, clock: opts.clock }),
    registries: new RegistryModel(store, opts.clock),
    addresses: hosting ?? NAMED_ADDRESSES,
  };
  const seeded = seedRegistries(models.registries, opts);
  let faults = new FaultPlan(opts.faults);
  const setFaults = (next: Parameters<RunningEmulator["setFaults"]>[0]): void => {
    faults = new FaultPlan(next);
  };
  let credentials = opts.credentials;
  const log = new RequestLog(opts.onRequest);
  const authLog = new RequestLog<AuthDecision>(opts.onAuthDecision);
  const registryAddress = (registryId: string): Promise<string> =>
    models.addresses.of(models.registries.get(parseId(registryId, "registryId")));
  const admin = createAdmin(models, opts.onWarning);
  let baseUrl = "";
  const stopping = new AbortController();
  const adminRouter = createAdminRouter({
    admin,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    getFaults: () => faults.describe(),
    setFaults,
    registryAddress,
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
    stopping: stopping.signal,
    ...(opts.adminHttp ? { admin: adminRouter } : {}),
    adminToken: opts.adminToken,
    ...(hosting === undefined
      ? {}
      : { registryAuth: tokenEndpoint(hosting, models.tokens, (d) => authLog.add(d)) }),
    onError: opts.onError,
  });
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  const close = async (): Promise<void> => {
    stopping.abort();
    await server?.close();
    await models.addresses.close();
    store.close();
  };
  try {
    server = await listen(listener, opts.host, opts.port);
    const origin = `http://${urlHost(opts.host)}:${server.port}`;
    baseUrl = `${origin}${API_PREFIX}`;
    hosting?.setRealm(`${origin}${TOKEN_PATH}`);
    // Every stored registry gets its server now (a restart with --data included), in parallel.
    await Promise.all(models.registries.list().map((registry) => models.addresses.of(registry)));
    for (const registry of seeded) registry.hostname = await models.addresses.of(registry);
  } catch (err) {
    await close();
    throw err;
  }
  const listening = server;
  return {
    url: baseUrl,
    port: listening.port,
    registries: seeded,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    setFaults,
    setCredentials: (next) => {
      credentials = resolveCredentials(next);
    },
    admin,
    registryAddress,
    authDecisions: () => authLog.list(),
    close,
  };
}

/** Where registry images live: beside a data file when state persists, else in a temporary folder. */
function hostingOptions(opts: ResolvedOptions): RegistryHostingOptions {
  const serve = opts.serveRegistry ?? {};
  const storageDir =
    serve.storageDir ??
    (opts.dataFile === undefined ? undefined : `${path.resolve(opts.dataFile)}.registries`);
  return { ...serve, ...(storageDir === undefined ? {} : { storageDir }), onServerExit: opts.onWarning };
}

/** The token endpoint over the hosted registries and the token model. */
function tokenEndpoint(
  hosting: RegistryHosting,
  tokens: TokenModel,
  onDecision: (decision: AuthDecision) => void,
): NonNullable<PipelineDeps["registryAuth"]> {
  const deps = {
    key: hosting.key,
    registryAt: (service: string) => hosting.registryAt(service),
    findToken: (registryId: string, username: string) => tokens.findByName(registryId, username),
    onDecision,
  };
  return {
    path: TOKEN_PATH,
    answer: (req, url) =>
      answerTokenRequest(deps, req.method ?? "GET", url.searchParams, req.headers.authorization),
  };
}

/** Creates the seed registries, reusing one with the same id (or else the same name) from a data file. */
function seedRegistries(registries: RegistryModel, opts: ResolvedOptions): RunningEmulator["registries"] {
  const actor = actorFor(SEED_EMAIL);
  return opts.registries.map((seed) => {
    const input = parseRegistryBody({ properties: { name: seed.name, location: seed.location } });
    const id = seed.id === undefined ? undefined : parseId(seed.id, "registries[].id");
    const existing = registries.list().find((r) => r.id === id) ?? registries.findByName(seed.name);
    const record = existing ?? registries.create(input, actor, seed.id);
    // The hostname is filled in once the server listens (a registry server needs the token endpoint's URL).
    return { id: record.id, name: record.name, hostname: "" };
  });
}
