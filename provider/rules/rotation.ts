import { parseDuration } from "./duration";
import { formatUtc, parseRfc3339 } from "./normalize";

/** The API's rule: a token's expiry must lie at least this far ahead when it is written (DCD: one hour). */
export const MIN_EXPIRY_LEAD_MS = 60 * 60 * 1000;

/**
 * The latest expiry there is: RFC 3339 (and so the API) has four-digit years. A lifetime reaching past it
 * fails at preview, naming the input, instead of at the API (or as JavaScript's `Invalid time value`).
 */
export const MAX_EXPIRY_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * Head room a planned expiry keeps above {@link MIN_EXPIRY_LEAD_MS}. The expiry is planned in `check`, and the
 * POST follows when the engine gets to the resource — after its dependencies, or after a slow `up` of other
 * resources. A `1h` lifetime planned to the second would be refused by then.
 */
export const PLANNED_EXPIRY_MARGIN_MS = 10 * 60 * 1000;

/**
 * Plans the expiry of a token whose lifetime is `expiresIn`. A token keeps the expiry it was created with (the
 * previous inputs' `expiryDate`) as long as `expiresIn` is unchanged, so a scheduled `pulumi up` shows no diff —
 * until {@link rotationDue} says that kept expiry (with the window `rotateBefore`) calls for a new token: then
 * the plan is the new token's fresh expiry, which the diff shows as what replaces the token. A fresh expiry is `now + expiresIn`,
 * rounded up to the second and at least {@link MIN_EXPIRY_LEAD_MS} plus {@link PLANNED_EXPIRY_MARGIN_MS}
 * ahead, so the API accepts it when the token is written. Pure: the same inputs and clock give the same plan.
 */
export function planExpiry(
  expiresIn: string,
  olds: Record<string, unknown>,
  nowMs: number,
  rotateBefore: unknown = null,
): string {
  const previous = typeof olds.expiryDate === "string" ? parseRfc3339(olds.expiryDate) : undefined;
  if (previous === undefined || olds.expiresIn !== expiresIn) return freshExpiry(expiresIn, nowMs);
  const kept = formatUtc(previous);
  // A token due for rotation is replaced by one with a fresh expiry: the preview shows the expiry it will have.
  return rotationDue({ expiresIn, rotateBefore, expiryDate: kept }, nowMs) === null
    ? kept
    : freshExpiry(expiresIn, nowMs);
}

/** `now + expiresIn` for a token written now: rounded up to the second, never under the API's minimum lead. */
function freshExpiry(expiresIn: string, nowMs: number): string {
  const lifetime = parseDuration(expiresIn) as number;
  const lead = Math.max(lifetime, MIN_EXPIRY_LEAD_MS + PLANNED_EXPIRY_MARGIN_MS);
  return formatUtc(Math.ceil((nowMs + lead) / 1000) * 1000);
}

/**
 * Why a token with a lifetime (`expiresIn`) must be replaced now, or null when it need not: it has expired or
 * expires within {@link MIN_EXPIRY_LEAD_MS} (IONOS deletes a token at its expiry, and an expiry that close can
 * no longer be written, so a new token is the only way on), or `now` is inside its rotation window
 * `[expiryDate − rotateBefore, expiryDate)`. A token with a fixed `expiryDate` or none is never rotated.
 */
export function rotationDue(
  token: { expiresIn?: unknown; rotateBefore?: unknown; expiryDate?: unknown },
  nowMs: number,
): string | null {
  if (typeof token.expiresIn !== "string" || typeof token.expiryDate !== "string") return null;
  const expiry = parseRfc3339(token.expiryDate);
  if (expiry === undefined) return null;
  const expiryDate = formatUtc(expiry);
  if (nowMs >= expiry) return `expired at ${expiryDate}`;
  if (nowMs >= expiry - MIN_EXPIRY_LEAD_MS) return `expires ${expiryDate}, within the hour`;
  const window = typeof token.rotateBefore === "string" ? parseDuration(token.rotateBefore) : undefined;
  if (window === undefined || nowMs < expiry - window) return null;
  return `expires ${expiryDate}; rotateBefore ${token.rotateBefore} was reached at ${formatUtc(expiry - window)}`;
}
