/**
 * The whole request pipeline, in order:
 *
 *   1. parse the URL (400); hand `/_emulator/…` to the admin router (not logged, no API auth, loopback or
 *      admin token only) and the registry token endpoint to the token server (its own log);
 *   2. resolve the route under `/containerregistries` (404 unknown path, 405 wrong method);
 *   3. authenticate (401);
 *   4. read the body (413), check its type (415) and parse it (400);
 *   5. consult the fault plan: wait, then maybe answer a status, rate-limit (429) or reset;
 *   6. run the handler, which validates (400) and calls the model (404, 409);
 *   7. send the result, unless a commit-then-fail fault replaces it;
 *   8. log method, path, status, operation.
 *
 * Every `ApiProblem` becomes its `ApiErrorResponse`; anything else is a bug, reported through `onError`
 * and answered with a 500. Nothing is changed before step 6, and step 6 changes state only when it
 * succeeds, so a rejected request never leaves a partial change.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiProblem, badRequest, ERROR_CODES, internalError, isApiProblem, notFound } from "../errors";
import type { FaultDecision, FaultPlan } from "../faults/plan";
import type { RequestLog } from "../log/requestLog";
import type { AcceptedCredentials } from "./auth";
import { authenticate } from "./auth";
import { checkAdminAccess } from "./adminGuard";
import { parseJsonBody, readBody } from "./body";
import type { Handler, HandlerResult } from "./handlers/context";
import { resetConnection, sendJson, sendProblem } from "./respond";
import { resolveRoute } from "./routes";

/** The path prefix of every API route. */
export const API_PREFIX = "/containerregistries";

/** The path prefix of the out-of-band admin routes. */
export const ADMIN_PREFIX = "/_emulator";

/** Everything the pipeline needs; functions are read per request so runtime changes take effect. */
export interface PipelineDeps {
  handlers: Readonly<Record<string, Handler>>;
  /** The accepted credentials now (an API-token rotation changes them). */
  credentials: () => AcceptedCredentials;
  maxBodyBytes: number;
  clock: () => Date;
  /** The current fault plan. */
  faults: () => FaultPlan;
  log: RequestLog;
  /** The API base URL once the server listens. */
  baseUrl: () => string;
  /** Aborted when the emulator closes: a request waiting out an injected delay then ends unanswered. */
  stopping: AbortSignal;
  /** Serves `/_emulator/…`; absent when the admin endpoints are off. */
  admin?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /** The admin token now, if one is required (see `adminGuard.ts`). */
  adminToken: string | undefined;
  /** The registry token endpoint (its path and its answers); absent without `--serve-registry`. */
  registryAuth?: {
    path: string;
    answer(
      req: IncomingMessage,
      url: URL,
    ): { status: number; headers: Record<string, string>; body: unknown };
  };
  /** Told about unexpected exceptions (bugs); the client gets a 500. */
  onError: (err: unknown) => void;
}

/** The `request` listener for `http.createServer`. It never throws and never rejects. */
export function createRequestListener(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => deps.onError(err));
  };
}

async function handle(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const at = new Date().toISOString();
  const method = (req.method ?? "GET").toUpperCase();
  const entry = {
    method,
    path: "(unparsable)",
    operation: "unknown",
    status: 0,
    fault: undefined as string | undefined,
  };
  try {
    const url = parseUrl(req.url);
    entry.path = url.pathname;
    if (deps.admin !== undefined && isAdminPath(url.pathname)) {
      // Admin calls are out of band: not logged, so they never skew counts of API calls.
      try {
        checkAdminAccess(req, deps.adminToken);
      } catch (err) {
        sendProblem(res, err as ApiProblem);
        return;
      }
      await deps.admin(req, res, url);
      return;
    }
    if (deps.registryAuth !== undefined && url.pathname === deps.registryAuth.path) {
      const answer = deps.registryAuth.answer(req, url);
      sendJson(res, answer.status, answer.body, answer.headers);
      return;
    }
    entry.status = await serveApi(deps, req, res, url, method, entry);
  } catch (err) {
    if (deps.stopping.aborted) return; // closing: the connection is being dropped, nothing to answer or log
    const problem = isApiProblem(err) ? err : unexpected(deps, err);
    sendProblem(res, problem);
    entry.status = problem.status;
  }
  const { fault, ...rest } = entry;
  deps.log.add({
    ...rest,
    at,
    durationMs: Math.round(performance.now() - started),
    ...(fault ? { fault } : {}),
  });
}

async function serveApi(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
  entry: { operation: string; fault: string | undefined },
): Promise<number> {
  if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw notFound("route", url.pathname);
  const { route, params } = resolveRoute(method, url.pathname.slice(API_PREFIX.length));
  entry.operation = route.operation;
  const actor = authenticate(req.headers.authorization, deps.credentials());
  // The body is read before any injected latency, as a real server has it in hand when it is slow: a client
  // that gives up during the wait must not stop the write from landing (the "applied after the client's
  // timeout" case fault tests rely on).
  const raw = await readBody(req, deps.maxBodyBytes);
  const body = route.hasBody ? parseJsonBody(raw, req.headers["content-type"]) : undefined;
  const decision = deps.faults().decide({ method, path: url.pathname, operation: route.operation });
  // The wait ends with the emulator: a closed emulator neither applies a write later nor keeps a timer alive.
  if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: deps.stopping });
  const before = decision.outcome;
  if (before.kind === "status") {
    entry.fault = before.fault;
    throw injectedProblem(before.status, before.retryAfter);
  }
  if (before.kind === "reset") {
    entry.fault = "reset";
    resetConnection(res);
    return 0;
  }
  const handler = deps.handlers[route.operation];
  if (handler === undefined) throw new Error(`no handler for ${route.operation}`);
  const ctx = {
    params,
    query: url.searchParams,
    body,
    actor,
    nowMs: deps.clock().getTime(),
    baseUrl: deps.baseUrl(),
  };
  const result: HandlerResult = await handler(ctx);
  return finish(res, result, decision, entry);
}

/** Sends the handler's result, or, for commit-then-fail faults, a failure after the change was made. */
function finish(
  res: ServerResponse,
  result: HandlerResult,
  decision: FaultDecision,
  entry: { fault: string | undefined },
): number {
  const after = decision.outcome;
  if (after.kind === "commitThenStatus") {
    entry.fault = "commitThenStatus";
    // A 429 always carries Retry-After: the Python SDK fails on a 429 without one.
    const problem = injectedProblem(after.status, after.status === 429 ? 1 : undefined);
    sendProblem(res, problem);
    return problem.status;
  }
  if (after.kind === "commitThenReset") {
    entry.fault = "commitThenReset";
    resetConnection(res);
    return 0;
  }
  sendJson(res, result.status, result.body, result.headers);
  return result.status;
}

function injectedProblem(status: number, retryAfter: number | undefined): ApiProblem {
  const headers: Record<string, string> =
    retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) };
  if (status === 429) return new ApiProblem(429, ERROR_CODES.tooManyRequests, "rate limit exceeded", headers);
  return new ApiProblem(status, ERROR_CODES.injectedFault, `injected fault: HTTP ${status}`, headers);
}

function parseUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? "/", "http://emulator.invalid");
  } catch {
    throw badRequest("malformed request target");
  }
}

function isAdminPath(path: string): boolean {
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}

function unexpected(deps: PipelineDeps, err: unknown): ApiProblem {
  deps.onError(err);
  return internalError();
}
