import type { RegistryTokenScope } from "./types";

/** Actions in their canonical order; outputs list actions in this order. */
export const SCOPE_ACTIONS = ["pull", "push", "delete"] as const;

/** The scope types the API documents. */
export const SCOPE_TYPES = ["repository", "registry"] as const;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 date-time (offset or `Z` required) to epoch milliseconds; undefined when invalid. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(text.replace(" ", "T"));
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2027-02-30 over to March; an impossible calendar date must be refused, not moved.
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const sameFields =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    probe.getUTCHours() === hour &&
    probe.getUTCMinutes() === minute &&
    probe.getUTCSeconds() === second;
  return sameFields ? ms : undefined;
}

/** Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds), the API's own form. */
export function formatUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Canonical form of a date-time: `YYYY-MM-DDTHH:MM:SSZ`, or null when absent or unreadable. */
export function normalizeDate(value: string | null | undefined): string | null {
  if (value == null || value === "") return null;
  const ms = parseRfc3339(value);
  return ms === undefined ? value : formatUtc(ms);
}

/** True when two optional date-times denote the same instant (to the second). */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  return normalizeDate(a) === normalizeDate(b);
}

/** Removes duplicate actions and orders them canonically (unknown actions, if the API returns any, last). */
export function normalizeActions(actions: readonly string[]): string[] {
  const unique = [...new Set(actions)];
  const rank = (a: string) => {
    const i = (SCOPE_ACTIONS as readonly string[]).indexOf(a);
    return i < 0 ? SCOPE_ACTIONS.length : i;
  };
  return unique.sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0));
}

/** A scope with canonical actions. */
export function normalizeScope(scope: RegistryTokenScope): RegistryTokenScope {
  return {
    name: scope.name,
    type: scope.type,
    actions: normalizeActions(scope.actions) as RegistryTokenScope["actions"],
  };
}

/** True when two scope lists grant the same permissions, whatever the order of scopes and actions. */
export function sameScopes(
  a: readonly RegistryTokenScope[] | null | undefined,
  b: readonly RegistryTokenScope[] | null | undefined,
): boolean {
  const key = (s: RegistryTokenScope) => JSON.stringify([s.type, s.name, normalizeActions(s.actions)]);
  const setA = new Set((a ?? []).map(key));
  const setB = new Set((b ?? []).map(key));
  return setA.size === setB.size && [...setA].every((k) => setB.has(k));
}

/**
 * `rotationTriggers` as compared and stored: entries without a value dropped, and a map left empty is no map
 * (null). So `{ version: process.env.X }` with X unset — which reaches the provider as `{}` — equals no triggers
 * at all and replaces nothing; any value, once set, still does.
 */
export function normalizeTriggers(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v != null);
  return entries.length === 0 ? null : Object.fromEntries(entries);
}
