/** Secret values as they cross the plugin protocol (a Struct with Pulumi's special signature key). */

import { SECRET_SIG, SIG_KEY } from "../rules/secretness";

/** The key that marks a special value in a Struct, and a secret's signature under it (rules/secretness.ts). */
export { SECRET_SIG, SIG_KEY };

/** `value` wrapped as a secret, as the engine expects it in outputs. */
export function asSecret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** `value` with every secret wrapper replaced by what it wraps (the provider's rules work on plain values). */
export function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[SIG_KEY] === SECRET_SIG) return revealed(object.value);
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, revealed(v)]));
}

/** Whether `value` holds a secret anywhere. */
function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value === null || typeof value !== "object") return false;
  const object = value as Record<string, unknown>;
  return object[SIG_KEY] === SECRET_SIG || Object.values(object).some(holdsSecret);
}

/**
 * The properties of `props` that hold a secret at any depth. With `acceptSecrets` the engine leaves secretness to
 * the provider, which works on plain values (`revealed`): it marks these properties secret again, whole, on the
 * way out — as the engine itself does for a dynamic provider's outputs of secret inputs.
 */
export function secretProperties(...propsList: Array<Record<string, unknown>>): Set<string> {
  const keys = new Set<string>();
  for (const props of propsList)
    for (const [key, value] of Object.entries(props)) if (holdsSecret(value)) keys.add(key);
  return keys;
}

/** A request's properties unwrapped once: their plain values, and the properties that held a secret. */
export interface Unwrapped {
  plain: Record<string, unknown>;
  secret: Set<string>;
}

/**
 * `props` with every secret wrapper replaced by what it wraps, and which of its properties held one — the
 * `revealed` values and `secretProperties` keys in one walk, because a plugin call needs both of each request
 * property bag.
 */
export function unwrapped(props: Record<string, unknown>): Unwrapped {
  const plain: Record<string, unknown> = {};
  const secret = new Set<string>();
  for (const [key, value] of Object.entries(props)) {
    const found = { secret: false };
    define(plain, key, revealedNoting(value, found));
    if (found.secret) secret.add(key);
  }
  return { plain, secret };
}

/** Sets an own property, even one named `__proto__` (as `Object.fromEntries` does). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `revealed`, setting `found.secret` when a wrapper was removed. */
function revealedNoting(value: unknown, found: { secret: boolean }): unknown {
  if (Array.isArray(value)) return value.map((v) => revealedNoting(v, found));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[SIG_KEY] === SECRET_SIG) {
    found.secret = true;
    return revealedNoting(object.value, found);
  }
  const plain: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(object)) define(plain, key, revealedNoting(v, found));
  return plain;
}

/** `props` with the value of each key in `keys` that it has wrapped as a secret (once). */
export function withSecrets(
  props: Record<string, unknown>,
  keys: ReadonlySet<string>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props).map(([key, value]) => [key, keys.has(key) ? asSecret(revealed(value)) : value]),
  );
}
