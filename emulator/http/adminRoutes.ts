/**
 * The out-of-band admin endpoints under `/_emulator/`, so that a test or script driving the CLI can do
 * what in-process callers do with `RunningEmulator`: read and clear the request log, change the fault
 * plan, and change state behind the API's back (drift). They take no API credentials and are meant for
 * a loopback-bound emulator only. Errors use the same `ApiErrorResponse` body as the API.
 *
 *   GET    /_emulator/requests                          the request log
 *   DELETE /_emulator/requests                          clear it
 *   GET    /_emulator/faults                            the current fault plan
 *   PUT    /_emulator/faults                            replace it (body: FaultOptions)
 *   GET    /_emulator/registries                        all registries
 *   POST   /_emulator/registries                        create one (body: {name, location?}); answers {id, name, hostname}
 *   DELETE /_emulator/registries/{id}                   delete one with its tokens
 *   GET    /_emulator/registries/{id}/tokens            its tokens
 *   GET|PATCH|DELETE /_emulator/registries/{id}/tokens/{tokenId}
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  internalError,
  invalidField,
  isApiProblem,
  methodNotAllowed,
  notFound,
  registryServerFailed,
} from "../errors";
import type { FaultOptions } from "../faults/types";
import type { RequestLogEntry } from "../log/requestLog";
import type { AdminTokenPatch, EmulatorAdmin } from "../options";
import { member, rejectUnknownKeys, requireObject, requireString } from "../validate/fields";
import { parseJsonBody, readBody } from "./body";
import { sendJson, sendProblem } from "./respond";

/** What the admin endpoints act on. */
export interface AdminRouteDeps {
  admin: EmulatorAdmin;
  requests: () => RequestLogEntry[];
  clearRequests: () => void;
  getFaults: () => FaultOptions;
  setFaults: (faults: FaultOptions) => void;
  /** Where registry `id` is reached, once its server (if any) runs. */
  registryAddress: (registryId: string) => Promise<string>;
  maxBodyBytes: number;
  onError: (err: unknown) => void;
}

type AdminResult = { status: number; body?: unknown };
type AdminRoute = (method: string, body: () => Promise<unknown>) => Promise<AdminResult> | AdminResult;

/** The admin router; `url.pathname` starts with `/_emulator`. Never throws. */
export function createAdminRouter(
  deps: AdminRouteDeps,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const method = (req.method ?? "GET").toUpperCase();
    const readJson = async (): Promise<unknown> =>
      parseJsonBody(await readBody(req, deps.maxBodyBytes), req.headers["content-type"]);
    try {
      const route = pick(deps, url.pathname.split("/").slice(2));
      const result = await route(method, readJson);
      sendJson(res, result.status, result.body);
    } catch (err) {
      if (!isApiProblem(err)) deps.onError(err);
      sendProblem(res, isApiProblem(err) ? err : internalError());
    }
  };
}

function pick(deps: AdminRouteDeps, parts: string[]): AdminRoute {
  const { admin } = deps;
  const [head, registryId, sub, tokenId, extra] = parts;
  if (head === "requests" && parts.length === 1) {
    return on({
      GET: () => ({ status: 200, body: { requests: deps.requests() } }),
      DELETE: () => (deps.clearRequests(), { status: 204 }),
    });
  }
  if (head === "faults" && parts.length === 1) {
    return on({
      GET: () => ({ status: 200, body: deps.getFaults() }),
      PUT: async (body) => (
        deps.setFaults((await body()) as FaultOptions),
        { status: 200, body: deps.getFaults() }
      ),
    });
  }
  if (head !== "registries" || extra !== undefined)
    throw notFound("admin route", `/_emulator/${parts.join("/")}`);
  if (registryId === undefined) {
    return on({
      GET: () => ({ status: 200, body: { items: admin.listRegistries() } }),
      POST: async (body) => ({ status: 201, body: await createRegistry(deps, await body()) }),
    });
  }
  if (sub === undefined) {
    return on({ DELETE: () => deleted(admin.deleteRegistry(registryId), "registry", registryId) });
  }
  if (sub !== "tokens") throw notFound("admin route", `/_emulator/${parts.join("/")}`);
  if (tokenId === undefined) {
    return on({ GET: () => ({ status: 200, body: { items: admin.listTokens(registryId) } }) });
  }
  return on({
    GET: () => {
      const token = admin.getToken(registryId, tokenId);
      if (token === undefined) throw notFound("token", tokenId);
      return { status: 200, body: token };
    },
    PATCH: async (body) => ({
      status: 200,
      body: admin.patchToken(registryId, tokenId, (await body()) as AdminTokenPatch),
    }),
    DELETE: () => deleted(admin.deleteToken(registryId, tokenId), "token", tokenId),
  });
}

function on(
  table: Record<string, (body: () => Promise<unknown>) => Promise<AdminResult> | AdminResult>,
): AdminRoute {
  return (method, body) => {
    const action = table[method];
    if (action === undefined) throw methodNotAllowed(method, "this admin route", Object.keys(table));
    return action(body);
  };
}

function deleted(existed: boolean, kind: string, id: string): AdminResult {
  if (!existed) throw notFound(kind, id);
  return { status: 204 };
}

/** Creates a registry and waits for its address; like the API, a registry whose server fails is not kept. */
async function createRegistry(
  deps: AdminRouteDeps,
  body: unknown,
): Promise<{ id: string; name: string; hostname: string }> {
  const o = requireObject(body, "");
  rejectUnknownKeys(o, ["name", "location"], "");
  const location = member(o, "location");
  if (member(o, "name") === undefined) throw invalidField("name", "is required");
  const created = deps.admin.createRegistry(
    requireString(member(o, "name"), "name"),
    location === undefined ? undefined : requireString(location, "location"),
  );
  try {
    return { ...created, hostname: await deps.registryAddress(created.id) };
  } catch (err) {
    deps.admin.deleteRegistry(created.id);
    throw registryServerFailed(created.name, err);
  }
}
