/**
 * fast-check generators of whole, valid `RegistryToken` programs, and models of what the Pulumi engine makes of
 * them before `check` and `diff` see them: stored inputs copied back for `ignoreChanges`, and values unknown at
 * preview. The expectations (when a token may be due, what an unknown may change) come from the documented
 * rules, not from the provider's code.
 */
import fc from "fast-check";
import { withUnsetAsNull } from "../../provider/rules/mapping";
import { UNKNOWN } from "../../provider/rules/unknown";
import { INPUT_KEYS, NOW, validFields, validPrefix } from "./arbitraries";

/** One minute, hour and day in milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The inputs a program sends `check`: input keys, and `defaultNamePrefix` as the resource class adds it. */
export type Props = Record<string, unknown>;

/** A duration input as a program may spell it, and its length. */
export interface Duration {
  text: string;
  ms: number;
}

/**
 * `minutes` spelled as a duration: `1d2h3m`, as hours and minutes (`26h3m`) or as minutes only (`1563m`). The
 * README allows each of days, hours and minutes, in that order, each optional.
 */
function spell(minutes: number, style: "dhm" | "hm" | "m"): string {
  const part = (n: number, unit: string) => (n > 0 ? `${n}${unit}` : "");
  if (style === "m") return `${minutes}m`;
  if (style === "hm") return part(Math.floor(minutes / 60), "h") + part(minutes % 60, "m");
  return (
    part(Math.floor(minutes / 1440), "d") + part(Math.floor(minutes / 60) % 24, "h") + part(minutes % 60, "m")
  );
}

/** A duration of `min`..`max` minutes, in any spelling; short ones and whole days are favoured. */
export function duration(min: number, max: number): fc.Arbitrary<Duration> {
  const choices = [fc.integer({ min, max: Math.min(max, min + 180) }), fc.integer({ min, max })];
  const [fewestDays, mostDays] = [Math.max(1, Math.ceil(min / 1440)), Math.floor(max / 1440)];
  if (fewestDays <= mostDays) {
    choices.push(fc.integer({ min: fewestDays, max: mostDays }).map((d) => d * 1440));
  }
  const minutes = fc.oneof(...choices);
  return fc
    .tuple(minutes, fc.constantFrom("dhm" as const, "hm" as const, "m" as const))
    .map(([m, style]) => ({ text: spell(m, style), ms: m * MINUTE }));
}

/** A lifetime (`expiresIn`): one hour (the API's minimum lead) up to 400 days. */
export const lifetime = duration(60, 400 * 1440);

/**
 * An instant written as RFC 3339 with a random UTC offset (`+05:30`, `-11:00`, `Z`), with or without its
 * milliseconds: the same instant a program may write in many ways.
 */
export function rfc3339(ms: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: -14 * 4, max: 14 * 4 }), fc.boolean()).map(([quarters, keepMillis]) => {
    const offset = quarters * 15;
    const local = new Date(ms + offset * MINUTE).toISOString();
    const body = keepMillis || ms % 1000 !== 0 ? local.slice(0, 23) : local.slice(0, 19);
    if (offset === 0) return `${body}Z`;
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, "0");
    const mm = String(abs % 60).padStart(2, "0");
    return `${body}${offset < 0 ? "-" : "+"}${hh}:${mm}`;
  });
}

/**
 * The expiry inputs of a valid program, and `quietUntil`: the first instant at which its token may be due for
 * replacement or be gone (exclusive). A lifetime `L` gives an expiry of at least `now + L`; the token is due
 * within the last hour before it, or inside `rotateBefore` (README). A fixed date is never rotated, but the
 * token is gone once the date has passed.
 */
export interface ExpiryInputs {
  values: Props;
  quietUntil: number;
}

/** Valid expiry inputs: none, a fixed date, or a lifetime with an optional shorter rotation window. */
export const validExpiry: fc.Arbitrary<ExpiryInputs> = fc.oneof(
  fc
    .record({
      expiryDate: fc.constantFrom(undefined, null, ""),
      expiresIn: fc.constantFrom(undefined, null),
      rotateBefore: fc.constantFrom(undefined, null),
    })
    .map((values) => ({ values, quietUntil: NOW + 400 * DAY })),
  fc
    .record({
      expiryMs: fc
        .date({ min: new Date(NOW + HOUR), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.getTime()),
      nulls: fc.record(
        { expiresIn: fc.constant(null), rotateBefore: fc.constant(null) },
        { requiredKeys: [] },
      ),
    })
    .chain(({ expiryMs, nulls }) =>
      rfc3339(expiryMs).map((text) => ({
        values: { ...nulls, expiryDate: text },
        quietUntil: Math.floor(expiryMs / 1000) * 1000,
      })),
    ),
  // `expiryDate: null` beside a lifetime, not `""`: check refuses `""` there although it reads `""` as no
  // expiry anywhere else (reported, undecided).
  fc.record({ lifetime, nullDate: fc.boolean() }).chain(({ lifetime: life, nullDate }) =>
    fc.option(duration(1, life.ms / MINUTE - 1), { nil: undefined, freq: 3 }).map((window) => ({
      values: {
        expiresIn: life.text,
        ...(window !== undefined ? { rotateBefore: window.text } : {}),
        ...(nullDate ? { expiryDate: null } : {}),
      },
      quietUntil: NOW + life.ms - Math.max(window?.ms ?? 0, HOUR),
    })),
  ),
);

/**
 * A clock for a later `pulumi up` of `program`: from {@link NOW} up to just before `quietUntil` (`fraction` in
 * [0, 1) picks where). A token is never planned already inside its last hour, so at {@link NOW} itself even a
 * one-hour lifetime must not be due yet.
 */
export function laterClock(program: Program, fraction: number): number {
  const span = program.quietUntil - NOW;
  return NOW + Math.max(0, Math.min(span - 1, Math.floor(fraction * span)));
}

/** A valid program as the resource class sends it, and when its token may first be due (see {@link ExpiryInputs}). */
export interface Program {
  news: Props;
  quietUntil: number;
}

/** Valid programs: every input valid, `undefined` ones left out, mostly with the class's `defaultNamePrefix`. */
export const validProgram: fc.Arbitrary<Program> = fc
  .record({
    fields: validFields,
    expiry: validExpiry,
    defaultNamePrefix: fc.option(validPrefix, { nil: undefined, freq: 4 }),
  })
  .map(({ fields, expiry, defaultNamePrefix }) => ({
    news: withoutUndefined({ ...fields, ...expiry.values, defaultNamePrefix }),
    quietUntil: expiry.quietUntil,
  }));

/** A copy of `props` without its `undefined` entries: an absent input, as the SDK sends it. */
export function withoutUndefined(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

/**
 * What the engine sends `check` for `ignoreChanges`: each ignored top-level key takes its value from the stored
 * inputs, or disappears when they lack it; `*` ignores every key of either.
 */
export function withIgnoreChanges(program: Props, storedInputs: Props, ignored: readonly string[]): Props {
  const keys = ignored.includes("*")
    ? [...new Set([...Object.keys(program), ...Object.keys(storedInputs)])]
    : ignored;
  const news = { ...program };
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(storedInputs, key)) news[key] = storedInputs[key];
    else delete news[key];
  }
  return news;
}

/** `ignoreChanges` option values: none, `*`, or any set of input keys. */
export const ignoreChanges: fc.Arbitrary<string[]> = fc.oneof(
  fc.constant<string[]>(["*"]),
  fc.subarray<string>([...INPUT_KEYS]),
);

/** The outputs the provider stores after creating a token from checked inputs. */
export function storedOutputs(inputs: Props): Props {
  // Real outputs (toOutputs) carry unset inputs as explicit nulls, while stored inputs leave them out.
  return {
    ...withUnsetAsNull(inputs),
    tokenId: "t-1",
    username: inputs.name,
    password: "p",
    createdDate: new Date(NOW).toISOString().replace(".000Z", "Z"),
  };
}

/**
 * An unknown at `key` of a program: the whole value, or — for the two inputs a program often builds from other
 * resources' outputs — one unknown inside (a trigger computed from an image digest, a scope's repository name).
 * `pick` chooses where.
 */
export function unknownAt(key: string, value: unknown, pick: number): unknown {
  if (pick % 3 === 0) return UNKNOWN;
  if (key === "rotationTriggers") {
    const existing = value !== null && typeof value === "object" ? Object.keys(value) : [];
    const target = existing.length > 0 && pick % 2 === 0 ? existing[pick % existing.length] : "digest";
    return { ...(value as Props | null | undefined), [target]: UNKNOWN };
  }
  if (key === "scopes") {
    const scopes = Array.isArray(value) ? (value as Props[]) : [];
    if (scopes.length === 0 || pick % 2 === 0) {
      return [...scopes, { name: UNKNOWN, type: "repository", actions: ["pull"] }];
    }
    const i = pick % scopes.length;
    const field = ["name", "type", "actions", ""][pick % 4];
    return scopes.map((s, j) => (j !== i ? s : field === "" ? UNKNOWN : { ...s, [field]: UNKNOWN }));
  }
  return UNKNOWN;
}

/** Sets of input keys to make unknown: often a single key, otherwise any non-empty combination. */
export const unknownKeys: fc.Arbitrary<string[]> = fc.oneof(
  fc.constantFrom<string>(...INPUT_KEYS).map((k) => [k]),
  fc.subarray<string>([...INPUT_KEYS], { minLength: 1 }),
);
