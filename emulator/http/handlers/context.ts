/**
 * What a handler receives and returns. Handlers are pure apart from the model calls (and waiting for a
 * registry server's address): the pipeline does reading, auth, faults and writing, so a handler's result can
 * be withheld after the write happened (the commit-then-fail faults).
 */
import { invalidField } from "../../errors";
import type { Actor } from "../../model/records";
import type { RegistryModel } from "../../model/registries";
import type { TokenModel } from "../../model/tokens";
import type { RegistryAddresses } from "../../registry/hosting";
import { parseId } from "../../validate/params";

/** The models a handler may call. */
export interface Models {
  tokens: TokenModel;
  registries: RegistryModel;
  /** Where each registry is reached (its `hostname`). */
  addresses: RegistryAddresses;
}

/** One request as a handler sees it. */
export interface RequestContext {
  /** Raw path parameters (percent-encoded), see {@link idParam}. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The parsed JSON body for routes that take one; undefined otherwise. */
  body: unknown;
  /** The authenticated caller. */
  actor: Actor;
  /** The injected clock's now, in epoch ms, read once per request. */
  nowMs: number;
  /** The API base URL, e.g. `http://127.0.0.1:8080/containerregistries` (for `Location` and links). */
  baseUrl: string;
}

/** A handler's answer: status, optional JSON body, extra headers. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One operation. May throw `ApiProblem`. */
export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

/** The percent-decoded path parameter `name`. @throws ApiProblem 400 when it cannot be decoded */
export function rawParam(ctx: RequestContext, name: string): string {
  try {
    return decodeURIComponent(ctx.params[name] ?? "");
  } catch {
    throw invalidField(name, "is not a valid percent-encoded path segment");
  }
}

/** The path parameter `name` as a lower-case uuid. @throws ApiProblem 400 when it is not one */
export function idParam(ctx: RequestContext, name: "registryId" | "tokenId"): string {
  return parseId(rawParam(ctx, name), name);
}

/** The URL `base` with the query parameters `query` (in the given order). */
export function withQuery(base: string, query: Record<string, string | number>): string {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return `${base}?${params.toString()}`;
}
