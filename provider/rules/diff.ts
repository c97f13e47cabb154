import { normalizeTriggers, sameInstant, sameScopes } from "./normalize";
import { rotationDue } from "./rotation";
import type { RegistryTokenScope } from "./types";
import { UNKNOWN, containsUnknown } from "./unknown";

/** Pulumi's diff answer, with the explicit `changes` boolean the engine needs. */
export interface TokenDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Properties that change in place (for tests and messages; the host does not forward it). */
  updates: string[];
  /** Why the token is rotated (see `rotationDue`), when that is what replaces it; otherwise null. */
  rotation: string | null;
}

type Props = Record<string, unknown>;

/** Properties whose change needs a new token: the API cannot move a token or rename it. (Rotation adds two.) */
const REPLACE_KEYS = ["registryId", "name"] as const;

/** Properties that change in place (PATCH, or nothing for provider-side ones), each with its own equality. */
const UPDATE_KEYS = {
  expiryDate: (a: unknown, b: unknown) => sameInstant(a as string | null, b as string | null),
  status: (a: unknown, b: unknown) => (a ?? "enabled") === (b ?? "enabled"),
  scopes: (a: unknown, b: unknown) => sameScopes(a as RegistryTokenScope[], b as RegistryTokenScope[]),
  // Provider-side settings: changing them calls no API (a new expiresIn re-plans expiryDate, which does), but
  // reporting them keeps the stored outputs in step with the program.
  expiresIn: (a: unknown, b: unknown) => (a ?? null) === (b ?? null),
  rotateBefore: (a: unknown, b: unknown) => (a ?? null) === (b ?? null),
} as const;

/**
 * Decides update vs replace between the stored outputs (`olds`) and the checked inputs (`news`), without any
 * API call. `__provider` and output-only properties are ignored, so a new provider version causes no diff.
 * Scopes compare as sets and dates as instants. A value still unknown counts as a change. A replacement that
 * keeps a user-chosen name in the same registry must delete first (names are unique per registry, whatever
 * their case); any other replacement creates the new token before deleting the old one. `nowMs` decides whether
 * a token with a lifetime is due for rotation.
 */
export function diffToken(olds: Props, news: Props, nowMs: number = Date.now()): TokenDiff {
  const replaces: string[] = REPLACE_KEYS.filter(
    (key) => containsUnknown(news[key]) || news[key] !== olds[key],
  );
  const triggersDiffer = comparing(
    "rotationTriggers",
    olds,
    news,
    () =>
      containsUnknown(news.rotationTriggers) ||
      canonicalJson(normalizeTriggers(news.rotationTriggers)) !==
        canonicalJson(normalizeTriggers(olds.rotationTriggers)),
  );
  if (triggersDiffer) replaces.push("rotationTriggers");
  // A token that keeps its lifetime and whose stored expiry has passed or entered its rotateBefore window is
  // replaced by a token with the fresh expiry `check` planned: the expiry is what replaces it. (A new expiresIn
  // plans a fresh expiry, written in place.) An unknown window may still put the token there, so the preview
  // says replace rather than promise an update.
  const keepsLifetime = typeof news.expiresIn === "string" && news.expiresIn === olds.expiresIn;
  const rotation = keepsLifetime
    ? comparing("expiryDate", olds, news, () => rotationDue({ ...news, expiryDate: olds.expiryDate }, nowMs))
    : null;
  const mayRotate = news.rotateBefore === UNKNOWN && typeof news.expiresIn === "string";
  if (rotation !== null || mayRotate) replaces.push("expiryDate");
  const updates = (Object.keys(UPDATE_KEYS) as (keyof typeof UPDATE_KEYS)[]).filter(
    (key) =>
      !replaces.includes(key) &&
      (containsUnknown(news[key]) ||
        !comparing(key, olds, news, () => UPDATE_KEYS[key](olds[key], news[key]))),
  );
  // Set even without changes: the engine also replaces on `pulumi up --replace`, and then a token that keeps
  // its user-chosen name must go first or its successor's POST hits 409. Generated names get a fresh suffix on
  // every replacement, so those tokens are created before the old one is deleted.
  const keepsUserChosenName =
    !containsUnknown(news.name) &&
    news.namePrefix == null &&
    sameName(news.name, olds.name) &&
    news.registryId === olds.registryId;
  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    deleteBeforeReplace: keepsUserChosenName,
    updates,
    rotation,
  };
}

/**
 * Runs one property's comparison. Check shapes every value a program sends, but the stored side comes from
 * the state, which an old release or a hand edit may have left in any shape: a comparison that cannot read a
 * value fails naming the property and both values' kinds (never the values: either may be a secret), not with
 * a raw TypeError whose text depends on how the code was bundled.
 */
function comparing<T>(key: string, olds: Props, news: Props, compare: () => T): T {
  try {
    return compare();
  } catch {
    throw new Error(
      `Cannot compare \`${key}\` of the stored token (${kindOf(olds[key])}) with the program's ` +
        `(${kindOf(news[key])}): the stored value is not one this provider writes (an edited or damaged ` +
        "state?). `pulumi refresh` reads the token's settings from the API again.",
    );
  }
}

/** A value's kind for an error message, without the value itself. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Whether two token names collide. The registry treats names that differ only in case as the same (the
 * emulator's 409 rule; unknown for the real API, so the safe side): `CI-Push` → `ci-push` must delete first.
 */
function sameName(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

/** JSON with object keys sorted, so maps that differ only in key order compare equal; undefined counts as null. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
