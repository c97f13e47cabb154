/**
 * Small, pure checks for JSON request data. Each takes the value and its JSON path (for example
 * `properties.scopes[0].type`) and throws a 400 `ApiProblem` naming that path, or returns the typed value.
 */
import { invalidField } from "../errors";

/** A parsed JSON object with unknown members. */
export type JsonObject = Record<string, unknown>;

/** `prefix.key`, or `key` at the top level. */
export function fieldPath(prefix: string, key: string): string {
  return prefix === "" ? key : `${prefix}.${key}`;
}

/** A short description of a JSON value's type, for messages ("an array", "null", …). */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** The value as a plain JSON object. @throws 400 for arrays, null and primitives */
export function requireObject(value: unknown, field: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidField(field === "" ? "body" : field, `must be an object, got ${describeType(value)}`);
  }
  return value as JsonObject;
}

/** Rejects members outside `allowed`, naming the first unknown one. @throws 400 */
export function rejectUnknownKeys(object: JsonObject, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw invalidField(fieldPath(prefix, key), "unknown field");
  }
}

/** The value as a string. @throws 400 for any other type */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== "string") throw invalidField(field, `must be a string, got ${describeType(value)}`);
  return value;
}

/** The value as a boolean. @throws 400 for any other type */
export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") throw invalidField(field, `must be a boolean, got ${describeType(value)}`);
  return value;
}

/** The value as an array of at most `maxItems` items. @throws 400 */
export function requireArray(value: unknown, field: string, maxItems: number): unknown[] {
  if (!Array.isArray(value)) throw invalidField(field, `must be an array, got ${describeType(value)}`);
  if (value.length > maxItems) throw invalidField(field, `must have at most ${maxItems} items`);
  return value;
}

/** The value as a string matching `pattern`. @throws 400 naming the pattern */
export function requirePattern(value: unknown, field: string, pattern: RegExp): string {
  const text = requireString(value, field);
  if (!pattern.test(text)) throw invalidField(field, `must match ${pattern.source}`);
  return text;
}

/** The value as one of `choices`. @throws 400 listing the choices */
export function requireEnum<T extends string>(value: unknown, field: string, choices: readonly T[]): T {
  const text = requireString(value, field);
  if (!(choices as readonly string[]).includes(text)) {
    throw invalidField(field, `must be one of ${choices.join(", ")}`);
  }
  return text as T;
}

/** `object[key]` when present; absent (or inherited) members read as undefined. */
export function member(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
