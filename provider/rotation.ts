import { parseDuration } from "./duration";
import { formatUtc, parseRfc3339 } from "./normalize";

/** The expiry-related inputs after validation (durations known to parse). */
export interface ExpiryPolicy {
  /** Lifetime of each token, e.g. `90d`; null when `expiryDate` is set directly or there is no expiry. */
  expiresIn: string | null;
  /** How long before expiry a `pulumi up` replaces the token, e.g. `14d`; requires `expiresIn`. */
  rotateBefore: string | null;
}

/** The expiry a token gets, and whether it is due for rotation. */
export interface ExpiryPlan {
  expiryDate: string;
  /** Why the token must be replaced now, or null when it need not. */
  rotationDue: string | null;
}

/**
 * Plans the expiry of a token whose lifetime is `expiresIn`. A token keeps the expiry it was created with (the
 * previous inputs' `expiryDate`) as long as `expiresIn` is unchanged, so a scheduled `pulumi up` shows no diff
 * until `now` enters the rotation window `[expiry − rotateBefore, …)`; then the plan says why the token is due.
 * The replacement is checked with no previous inputs and gets a fresh expiry of `now + expiresIn`. Pure: the
 * same inputs and clock always give the same plan.
 */
export function planExpiry(
  policy: ExpiryPolicy & { expiresIn: string },
  olds: Record<string, unknown>,
  nowMs: number,
): ExpiryPlan {
  const lifetime = parseDuration(policy.expiresIn) as number;
  const previous = typeof olds.expiryDate === "string" ? parseRfc3339(olds.expiryDate) : undefined;
  if (previous === undefined || olds.expiresIn !== policy.expiresIn) {
    return { expiryDate: formatUtc(nowMs + lifetime), rotationDue: null };
  }
  const expiryDate = formatUtc(previous);
  const window = policy.rotateBefore === null ? undefined : parseDuration(policy.rotateBefore);
  if (window === undefined || nowMs < previous - window) return { expiryDate, rotationDue: null };
  const windowStart = formatUtc(previous - window);
  return {
    expiryDate,
    rotationDue: `expires ${expiryDate}; rotateBefore ${policy.rotateBefore} was reached at ${windowStart}`,
  };
}
