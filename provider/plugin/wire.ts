/** Secret values as they cross the plugin protocol (a Struct with Pulumi's special signature key). */

/** The key that marks a special value in a Struct (Pulumi's `sig` key). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret under {@link SIG_KEY}. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

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
