/**
 * The method + path table of the API (paths relative to `/containerregistries`), named by the spec's
 * operationIds. Resolving a request gives the route and its raw path parameters, a 404 for an unknown
 * path, or a 405 (with `Allow`) for a known path and the wrong method.
 */
import { methodNotAllowed, notFound } from "../errors";

/** The operationIds the emulator serves, as in the spec. */
export const OPERATIONS = [
  "registriesGet",
  "registriesPost",
  "registriesFindById",
  "registriesDelete",
  "registriesTokensGet",
  "registriesTokensPost",
  "registriesTokensFindById",
  "registriesTokensPatch",
  "registriesTokensPut",
  "registriesTokensDelete",
  "locationsGet",
  "namesCheckUsage",
] as const;

/** One of {@link OPERATIONS}. */
export type OperationId = (typeof OPERATIONS)[number];

/** One row of the table. */
export interface Route {
  method: string;
  /** Path template with `{param}` segments, e.g. `/registries/{registryId}/tokens`. */
  template: string;
  operation: OperationId;
  /** True when the operation takes a JSON body. */
  hasBody: boolean;
}

/** Every route. Registry PUT/PATCH are not emulated and answer 405. */
export const ROUTES: readonly Route[] = [
  { method: "GET", template: "/registries", operation: "registriesGet", hasBody: false },
  { method: "POST", template: "/registries", operation: "registriesPost", hasBody: true },
  { method: "GET", template: "/registries/{registryId}", operation: "registriesFindById", hasBody: false },
  { method: "DELETE", template: "/registries/{registryId}", operation: "registriesDelete", hasBody: false },
  {
    method: "GET",
    template: "/registries/{registryId}/tokens",
    operation: "registriesTokensGet",
    hasBody: false,
  },
  {
    method: "POST",
    template: "/registries/{registryId}/tokens",
    operation: "registriesTokensPost",
    hasBody: true,
  },
  {
    method: "GET",
    template: "/registries/{registryId}/tokens/{tokenId}",
    operation: "registriesTokensFindById",
    hasBody: false,
  },
  {
    method: "PATCH",
    template: "/registries/{registryId}/tokens/{tokenId}",
    operation: "registriesTokensPatch",
    hasBody: true,
  },
  {
    method: "PUT",
    template: "/registries/{registryId}/tokens/{tokenId}",
    operation: "registriesTokensPut",
    hasBody: true,
  },
  {
    method: "DELETE",
    template: "/registries/{registryId}/tokens/{tokenId}",
    operation: "registriesTokensDelete",
    hasBody: false,
  },
  { method: "GET", template: "/locations", operation: "locationsGet", hasBody: false },
  { method: "HEAD", template: "/names/{name}", operation: "namesCheckUsage", hasBody: false },
];

/** A resolved request: its route and raw (still percent-encoded) path parameters. */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Finds the route for `method` and `path` (relative to the API prefix).
 * @throws ApiProblem 404 for an unknown path, 405 for a known path with another method
 */
export function resolveRoute(method: string, path: string): RouteMatch {
  const segments = path.split("/");
  const byPath = ROUTES.map((route) => ({ route, params: matchTemplate(route.template, segments) })).filter(
    (m): m is RouteMatch => m.params !== undefined,
  );
  if (byPath.length === 0) throw notFound("route", path);
  const hit = byPath.find((m) => m.route.method === method);
  if (hit === undefined)
    throw methodNotAllowed(
      method,
      path,
      byPath.map((m) => m.route.method),
    );
  return hit;
}

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split("/");
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith("{")) {
      if (segment === "") return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
