/**
 * Checks for path and query parameters: resource ids (the spec's uuid pattern) and the `offset`/`limit`
 * strings of the tokens list. Query values must be plain decimal integers; anything else is a 400 rather
 * than a guess.
 */
import { invalidField } from "../errors";
import { LIMITS } from "../limits";

/** The spec's pattern for `registryId` and `tokenId`. */
export const ID_PATTERN = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** A path id, lower-cased so that ids compare case-insensitively. @throws 400 naming `field` */
export function parseId(raw: string, field: string): string {
  if (!ID_PATTERN.test(raw)) throw invalidField(field, `must be a uuid matching ${ID_PATTERN.source}`);
  return raw.toLowerCase();
}

/** The one value of query parameter `name`, or undefined. @throws 400 when it is repeated */
export function singleQueryValue(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw invalidField(name, "must not be repeated");
  return values[0];
}

/**
 * A non-negative decimal integer query value, `fallback` when absent.
 * @throws 400 for signs, fractions, spaces, empty text, or values above `max`
 */
export function parseCount(raw: string | undefined, field: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw invalidField(field, "must be a non-negative integer");
  const value = Number(raw);
  if (value > max) throw invalidField(field, `must be at most ${max}`);
  return value;
}

/** The `offset` and `limit` of a tokens list request (defaults 0 and 100). @throws 400 */
export function parsePage(query: URLSearchParams): { offset: number; limit: number } {
  return {
    offset: parseCount(singleQueryValue(query, "offset"), "offset", 0, Number.MAX_SAFE_INTEGER),
    limit: parseCount(
      singleQueryValue(query, "limit"),
      "limit",
      LIMITS.defaultPageLimit,
      LIMITS.maxPageLimit,
    ),
  };
}
