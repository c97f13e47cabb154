/**
 * What a registry token may do: the Docker token spec's requested scopes (`repository:app:pull,push`,
 * `registry:catalog:*`) matched against the token's IONOS scopes. Pure.
 *
 * Matching rules (the README's "Registry emulation" section states them for users):
 * - a `repository` scope named exactly `*` covers every repository;
 * - any other `*` in a scope name matches any run of characters except `/`, so `team/*` covers `team/api`
 *   but not `team/api/v2`. IONOS documents `*` as a wildcard without saying whether it crosses `/`; the
 *   narrower reading means that whatever a test passes here is also allowed under the wider one;
 * - a `registry` scope grants the catalog (`registry:catalog:*`) when its name matches `catalog`;
 * - granted actions are the requested ones that the matching scopes list.
 */
import type { Scope } from "../model/records";
import type { AccessClaim } from "./jwt";

/** One scope a client asked for. */
export interface RequestedScope {
  /** `repository`, `registry`, … (a resource class such as `(plugin)` removed). */
  type: string;
  /** The repository name (may hold `/` and `:`), or `catalog`. */
  name: string;
  /** The actions asked for. */
  actions: string[];
}

/**
 * Parses the `scope` query values: each is `type:name:actions`, several may share one value separated by
 * spaces (OAuth 2 style). A resource class (`repository(plugin)`) is dropped. Malformed entries are ignored,
 * as Distribution's own token servers do, and so grant nothing.
 */
export function parseRequestedScopes(values: readonly string[]): RequestedScope[] {
  const scopes: RequestedScope[] = [];
  for (const value of values) {
    for (const item of value.split(" ").filter((s) => s !== "")) {
      const first = item.indexOf(":");
      const last = item.lastIndexOf(":");
      if (first <= 0 || last === first) continue;
      const type = item.slice(0, first).replace(/\(.*\)$/, "");
      const name = item.slice(first + 1, last);
      const actions = item
        .slice(last + 1)
        .split(",")
        .filter((a) => a !== "");
      if (name === "" || actions.length === 0) continue;
      scopes.push({ type, name, actions });
    }
  }
  return scopes;
}

/** The access granted for `requested` to a token with `scopes`: one claim per request, possibly without actions. */
export function grantAccess(scopes: readonly Scope[], requested: readonly RequestedScope[]): AccessClaim[] {
  return requested.map((want) => ({
    type: want.type,
    name: want.name,
    actions: grantedActions(scopes, want),
  }));
}

function grantedActions(scopes: readonly Scope[], want: RequestedScope): string[] {
  if (want.type === "registry") {
    const catalog =
      want.name === "catalog" && scopes.some((s) => s.type === "registry" && nameMatches(s.name, "catalog"));
    return catalog ? want.actions.filter((a) => a === "*") : [];
  }
  if (want.type !== "repository") return [];
  const allowed = new Set(
    scopes
      .filter((s) => s.type === "repository" && repositoryMatches(s.name, want.name))
      .flatMap((s) => s.actions),
  );
  return want.actions.filter((action) => allowed.has(action));
}

function repositoryMatches(pattern: string, repository: string): boolean {
  return pattern === "*" || nameMatches(pattern, repository);
}

/** `*` matches any run of characters other than `/`; everything else matches itself. */
export function nameMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  return new RegExp(`^${regex}$`).test(name);
}
