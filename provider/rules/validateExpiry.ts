/** `check` rules for the expiry inputs: `expiryDate`, or `expiresIn` with an optional `rotateBefore` window. */
import { parseDuration } from "./duration";
import { show, type Fail } from "./failures";
import { formatUtc, parseRfc3339, sameInstant } from "./normalize";
import { MAX_EXPIRY_MS, MIN_EXPIRY_LEAD_MS, planExpiry } from "./rotation";
import { UNKNOWN } from "./unknown";

const EXAMPLE_DATE = "2030-01-31T12:00:00Z";

type Props = Record<string, unknown>;

const isKnown = (value: unknown) => value !== UNKNOWN;

/**
 * The expiry inputs: either a fixed `expiryDate`, or a lifetime `expiresIn` (with an optional rotation window
 * `rotateBefore`) from which the expiry is planned; see `planExpiry`. Rules that relate two inputs wait until
 * both are known: at preview an unknown value may still turn out to be absent.
 */
export function checkExpiry(olds: Props, news: Props, nowMs: number, fail: Fail): Props {
  const expiresIn = checkDuration("expiresIn", news.expiresIn, MIN_EXPIRY_LEAD_MS, nowMs, fail);
  const rotateBefore = checkDuration("rotateBefore", news.rotateBefore, 60_000, nowMs, fail);
  // "" means no expiry, like null (a config value left empty).
  const expiryDate = isPlannedCopy(olds, news) || news.expiryDate === "" ? null : news.expiryDate;
  const lifetime = typeof expiresIn === "string" ? withinBounds(expiresIn, nowMs) : undefined;
  const window = typeof rotateBefore === "string" ? withinBounds(rotateBefore, nowMs) : undefined;
  // Rules relating two inputs apply to valid, known values only: an invalid one already has its failure.
  let consistent = true;
  if (lifetime !== undefined && isKnown(expiryDate) && expiryDate != null) {
    consistent = false;
    fail("expiresIn", "set either expiryDate (a fixed date) or expiresIn (a lifetime), not both");
  }
  if (window !== undefined && expiresIn === null) {
    consistent = false;
    fail("rotateBefore", "rotateBefore needs expiresIn: a token is rotated before the end of its lifetime");
  }
  if (lifetime !== undefined && window !== undefined && window >= lifetime) {
    consistent = false;
    fail("rotateBefore", `rotateBefore (${rotateBefore}) must be shorter than expiresIn (${expiresIn})`);
  }
  const policy = { expiresIn, rotateBefore };
  if (expiresIn === null) {
    return { ...policy, expiryDate: checkExpiryDate(olds.expiryDate, expiryDate, nowMs, fail) };
  }
  if (expiresIn === UNKNOWN) return { ...policy, expiryDate: UNKNOWN };
  if (lifetime === undefined || !consistent) return { ...policy, expiryDate: null };
  return { ...policy, expiryDate: planExpiry(expiresIn as string, olds, nowMs, rotateBefore) };
}

/**
 * True when `news.expiryDate` is the expiry this provider planned from a lifetime, handed back by the engine:
 * `ignoreChanges` (on `expiryDate`, or `*`) copies the stored inputs, planned expiry included, into the new
 * ones. Only the exact stored instant, while a lifetime is still declared, counts as that copy.
 */
function isPlannedCopy(olds: Props, news: Props): boolean {
  return (
    typeof olds.expiresIn === "string" &&
    news.expiresIn != null &&
    typeof olds.expiryDate === "string" &&
    typeof news.expiryDate === "string" &&
    sameInstant(olds.expiryDate, news.expiryDate)
  );
}

/** The duration in ms when it is well-formed and ends, from now, by {@link MAX_EXPIRY_MS}. */
function withinBounds(text: string, nowMs: number): number | undefined {
  const ms = parseDuration(text);
  return ms !== undefined && ms <= MAX_EXPIRY_MS - nowMs ? ms : undefined;
}

/**
 * A duration input (`90d`, `12h`, `1d12h`, `30m`) of at least `minMs`, ending by {@link MAX_EXPIRY_MS} when
 * counted from `nowMs`; null when absent.
 */
function checkDuration(property: string, value: unknown, minMs: number, nowMs: number, fail: Fail): unknown {
  if (value == null) return null;
  if (value === UNKNOWN) return value;
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  if (ms === undefined) {
    fail(
      property,
      `${property} must be a duration such as "90d", "12h" or "1d12h" (days, hours, minutes), got ${show(value)}`,
    );
  } else if (ms < minMs) {
    fail(
      property,
      `${property} must be at least ${minMs >= 3600_000 ? "one hour" : "one minute"}, got ${show(value)}`,
    );
  } else if (ms > MAX_EXPIRY_MS - nowMs) {
    const maxDays = Math.floor((MAX_EXPIRY_MS - nowMs) / 86_400_000);
    fail(
      property,
      `${property} ${show(value)} is too long: counted from now it ends after ${formatUtc(MAX_EXPIRY_MS)}, ` +
        `the latest date the API can store (at most "${maxDays}d")`,
    );
  }
  return value;
}

/**
 * The Pulumi SDK serializes a `Date` it meets inside `pulumi.output()`, `pulumi.secret()` or `pulumi.all()` as
 * `{}` before this package can convert it; the class converts only a `Date` it is handed directly.
 */
const FLATTENED_DATE_HINT =
  " (a Date wrapped by pulumi.output(), pulumi.secret() or pulumi.all() reaches the provider as {}: pass the" +
  " Date itself, an Output from .apply() that returns it, or date.toISOString())";

function isEmptyObject(value: unknown): boolean {
  return (
    value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function checkExpiryDate(old: unknown, value: unknown, nowMs: number, fail: Fail): unknown {
  if (value === UNKNOWN) return value;
  if (value == null || value === "") return null;
  const ms = typeof value === "string" ? parseRfc3339(value) : undefined;
  if (ms === undefined) {
    fail(
      "expiryDate",
      `expiryDate must be an RFC 3339 date-time such as ${EXAMPLE_DATE} (or a Date), got ${show(value)}` +
        (isEmptyObject(value) ? FLATTENED_DATE_HINT : ""),
    );
    return value;
  }
  const normalized = formatUtc(ms);
  const changed = !sameInstant(typeof old === "string" ? old : null, normalized);
  if (changed && ms < nowMs + MIN_EXPIRY_LEAD_MS) {
    fail(
      "expiryDate",
      `expiryDate ${normalized} must be at least one hour in the future (now: ${formatUtc(nowMs)}); ` +
        "IONOS deletes a token once it expires",
    );
  }
  return normalized;
}
