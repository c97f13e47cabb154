/**
 * Checks for the token request bodies: `PostTokenInput` / `PutTokenInput` (wrapped in `properties`) and
 * `PatchTokenInput` (not wrapped). Unknown fields are rejected, so a client that wraps its PATCH body or
 * misspells a field hears about it instead of silently changing nothing.
 *
 * Strict choices where the spec has free strings: scope `type` must be `repository` or `registry`, and
 * `actions` a non-empty list of distinct `pull`/`push`/`delete` (the values documented for the service).
 */
import { invalidField } from "../errors";
import { LIMITS } from "../limits";
import type { Scope, TokenStatus } from "../model/records";
import { parseRfc3339, truncateToSeconds } from "../model/time";
import type { TokenInput, TokenPatch } from "../model/tokens";
import {
  fieldPath,
  member,
  rejectUnknownKeys,
  requireArray,
  requireEnum,
  requireObject,
  requirePattern,
  requireString,
} from "./fields";

/** The token name pattern of the spec (upper case allowed, 2 to 63 characters). */
export const TOKEN_NAME_PATTERN = /^[A-Za-z][-A-Za-z0-9]{0,61}[A-Za-z0-9]$/;

/** Accepted scope types. */
export const SCOPE_TYPES = ["repository", "registry"] as const;

/** Accepted scope actions. */
export const SCOPE_ACTIONS = ["pull", "push", "delete"] as const;

/** Accepted token statuses. */
export const TOKEN_STATUSES: readonly TokenStatus[] = ["enabled", "disabled"];

/**
 * Checks a POST or PUT body and returns its properties.
 * @param nowMs - the clock's now: a given `expiryDate` must lie at least an hour after it
 * @throws 400 naming the first bad field
 */
export function parseTokenBody(body: unknown, nowMs: number): TokenInput {
  const root = requireObject(body, "");
  rejectUnknownKeys(root, ["properties"], "");
  if (member(root, "properties") === undefined) throw invalidField("properties", "is required");
  const props = requireObject(member(root, "properties"), "properties");
  rejectUnknownKeys(props, ["name", "expiryDate", "scopes", "status"], "properties");
  const name = member(props, "name");
  if (name === undefined) throw invalidField("properties.name", "is required");
  const input: TokenInput = { name: requirePattern(name, "properties.name", TOKEN_NAME_PATTERN) };
  Object.assign(input, parseMutableFields(props, "properties", nowMs));
  return input;
}

/**
 * Checks a PATCH body (top-level fields, no `properties` wrapper).
 * @param nowMs - the clock's now for the future-expiry rule; undefined skips that rule (out-of-band admin
 *   changes may set any expiry)
 * @throws 400 naming the first bad field
 */
export function parseTokenPatch(body: unknown, nowMs: number | undefined): TokenPatch {
  const root = requireObject(body, "");
  rejectUnknownKeys(root, ["expiryDate", "scopes", "status"], "");
  return parseMutableFields(root, "", nowMs);
}

function parseMutableFields(
  object: Record<string, unknown>,
  prefix: string,
  nowMs: number | undefined,
): TokenPatch {
  const result: TokenPatch = {};
  const status = member(object, "status");
  if (status !== undefined) result.status = requireEnum(status, fieldPath(prefix, "status"), TOKEN_STATUSES);
  const expiry = member(object, "expiryDate");
  if (expiry !== undefined) result.expiryDate = parseExpiry(expiry, fieldPath(prefix, "expiryDate"), nowMs);
  const scopes = member(object, "scopes");
  if (scopes !== undefined) result.scopes = parseScopes(scopes, fieldPath(prefix, "scopes"));
  return result;
}

/**
 * How far ahead a written expiry must lie: the DCD's "at least one hour in the future". The API's own rule is
 * undocumented; the emulator enforces the strictest documented one, which is also what the provider plans
 * for, so a test against the emulator fails wherever a write could be refused by IONOS.
 */
export const MIN_EXPIRY_LEAD_MS = 60 * 60 * 1000;

/**
 * An `expiryDate`: null, or an RFC 3339 date-time (truncated to whole seconds, as it will be shown) at least
 * {@link MIN_EXPIRY_LEAD_MS} after `nowMs` when given.
 * @throws 400
 */
export function parseExpiry(value: unknown, field: string, nowMs: number | undefined): number | null {
  if (value === null) return null;
  const text = requireString(value, field);
  const parsed = parseRfc3339(text);
  if (parsed === undefined) {
    throw invalidField(field, "must be an RFC 3339 date-time with a zone, e.g. 2030-01-02T03:04:05Z");
  }
  const instant = truncateToSeconds(parsed);
  if (nowMs !== undefined && instant < nowMs + MIN_EXPIRY_LEAD_MS) {
    throw invalidField(field, "must be at least one hour in the future");
  }
  return instant;
}

/** A `scopes` list: null (no scopes) or up to {@link LIMITS.maxScopes} strict scopes. @throws 400 */
export function parseScopes(value: unknown, field: string): Scope[] | null {
  if (value === null) return null;
  return requireArray(value, field, LIMITS.maxScopes).map((item, i) => parseScope(item, `${field}[${i}]`));
}

function parseScope(value: unknown, field: string): Scope {
  const scope = requireObject(value, field);
  rejectUnknownKeys(scope, ["name", "type", "actions"], field);
  for (const key of ["name", "type", "actions"]) {
    if (member(scope, key) === undefined) throw invalidField(`${field}.${key}`, "is required");
  }
  const name = requireString(member(scope, "name"), `${field}.name`);
  if (name.length === 0 || name.length > LIMITS.maxScopeNameLength || /\s/.test(name)) {
    throw invalidField(
      `${field}.name`,
      `must be 1 to ${LIMITS.maxScopeNameLength} characters without spaces`,
    );
  }
  const type = requireEnum(member(scope, "type"), `${field}.type`, SCOPE_TYPES);
  const rawActions = requireArray(member(scope, "actions"), `${field}.actions`, SCOPE_ACTIONS.length);
  if (rawActions.length === 0) throw invalidField(`${field}.actions`, "must not be empty");
  const actions = rawActions.map((a, i) => requireEnum(a, `${field}.actions[${i}]`, SCOPE_ACTIONS));
  if (new Set(actions).size !== actions.length)
    throw invalidField(`${field}.actions`, "must not repeat an action");
  return { name, type, actions };
}
