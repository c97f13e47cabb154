/** The API's token name rule: 2–63 characters, letters/digits/hyphens, starts with a letter, ends alphanumeric. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z][-A-Za-z0-9]{0,61}[A-Za-z0-9]$/;

/** Length of the random suffix of a generated name. */
export const NAME_SUFFIX_LENGTH = 8;

/** Longest prefix that still leaves room for `-` and the suffix within 63 characters. */
export const MAX_NAME_PREFIX_LENGTH = 63 - 1 - NAME_SUFFIX_LENGTH;

/** A valid `namePrefix`: starts with a letter; letters, digits and hyphens; at most 54 characters. */
export const NAME_PREFIX_PATTERN = new RegExp(`^[A-Za-z][-A-Za-z0-9]{0,${MAX_NAME_PREFIX_LENGTH - 1}}$`);

/**
 * Turns a Pulumi resource name into a valid name prefix: other characters become hyphens, a leading non-letter
 * gets `token-` in front, and the result is cut to {@link MAX_NAME_PREFIX_LENGTH}.
 */
export function namePrefixFrom(resourceName: string): string {
  let prefix = resourceName
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[A-Za-z]/.test(prefix)) prefix = `token-${prefix}`.replace(/-+$/, "");
  return prefix.slice(0, MAX_NAME_PREFIX_LENGTH).replace(/-+$/, "");
}

/**
 * `prefix-xxxxxxxx` with a lower-case alphanumeric suffix; valid whenever the prefix is. The suffix is random,
 * or, given the engine's per-resource `randomSeed` (plugin mode), drawn from it: the engine sends the same seed
 * to the preview that saves a plan and to the `up --plan` that follows, so both draw the same name.
 */
export function generateName(prefix: string, seed?: Uint8Array): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash, randomInt } = require("crypto") as typeof import("crypto");
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const seeded =
    seed !== undefined && seed.length > 0
      ? createHash("sha256").update(seed).update(`\0${prefix}`).digest()
      : undefined;
  let suffix = "";
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++)
    suffix += alphabet[seeded ? seeded[i] % alphabet.length : randomInt(alphabet.length)];
  return `${prefix}-${suffix}`;
}

/** The resource name at the end of a URN (`…::name`). */
export function resourceNameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
