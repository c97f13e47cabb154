/**
 * fast-check generators of `RegistryToken` inputs for the `check` properties. Each generated input says which
 * properties were made invalid on purpose (`broken`), so a test can demand a failure naming each of them and
 * none for the rest — an oracle built from the documented rules, independent of `validate.ts`.
 */
import fc from "fast-check";
import { UNKNOWN } from "../../provider/rules/unknown";

/** The clock the properties run at. */
export const NOW = Date.parse("2030-01-01T00:00:00Z");

/** The input keys, as the README documents them (repeated here on purpose: the oracle must not read `validate.ts`). */
export const INPUT_KEYS = [
  "registryId",
  "name",
  "namePrefix",
  "expiryDate",
  "expiresIn",
  "rotateBefore",
  "rotationTriggers",
  "status",
  "scopes",
] as const;

/** A generated input bag, and the properties (failure paths) it must be rejected for. */
export interface Generated {
  news: Record<string, unknown>;
  /** Failure properties that must be reported, e.g. `name`, `scopes[1].actions[0]`. */
  broken: string[];
}

/** A property's value, and the failure path it must cause (none when valid). */
type Part = { value: unknown; broken: string[] };
const ok = (value: unknown): Part => ({ value, broken: [] });
const bad =
  (path: string) =>
  (value: unknown): Part => ({ value, broken: [path] });

/** Mostly valid values, sometimes broken ones: so that some inputs are entirely valid. */
function field<T>(valid: fc.Arbitrary<T>, broken: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: broken });
}

/** Adversarial strings: unicode, control characters, very long ones, look-alikes of valid values. */
export const nastyString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "ｅｎａｂｌｅｄ",
    "Ǳ-token",
    "tok\u200ben",
    "🔑-key",
    "null",
    "undefined",
  ),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => "x".repeat(n)),
);

/** Anything that is not a string: the wrong types a program (or a typo in YAML) can send. */
export const nonString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

const NAME = /^[A-Za-z][-A-Za-z0-9]{0,61}[A-Za-z0-9]$/;
const PREFIX = /^[A-Za-z][-A-Za-z0-9]{0,53}$/;
const UUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const invalidString = (valid: RegExp) => nastyString.filter((s) => !valid.test(s));

const validRegistryId = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
);
const registryId = field(
  validRegistryId.map(ok),
  fc.oneof(invalidString(UUID), nonString, fc.constant(null)).map(bad("registryId")),
);

const validName = fc.oneof(fc.stringMatching(NAME), fc.constant(undefined));
const name = field(validName.map(ok), fc.oneof(invalidString(NAME), nonString).map(bad("name")));

/** A valid `namePrefix` (also the form of the `defaultNamePrefix` the resource class sends). */
export const validPrefix = fc.stringMatching(PREFIX);
const validNamePrefix = fc.oneof(validPrefix, fc.constantFrom(undefined, null));
const namePrefix = field(
  validNamePrefix.map(ok),
  fc.oneof(invalidString(PREFIX), nonString).map(bad("namePrefix")),
);

/** A future expiry date (at least two hours ahead of {@link NOW}), as `toISOString` writes it. */
export const futureDate = fc
  .date({ min: new Date(NOW + 2 * 3600_000), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const pastDate = fc
  .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date(NOW + 3600_000 - 1000), noInvalidDate: true })
  .map((d) => d.toISOString());
const lifetime = fc.integer({ min: 2, max: 400 }).map((d) => `${d}d`);

/** The expiry group, whose rules span properties: expiryDate, or expiresIn with an optional rotateBefore. */
type ExpiryGroup = { values: Record<string, unknown>; broken: string[] };
const expiry: fc.Arbitrary<ExpiryGroup> = field(
  fc.oneof(
    fc.constant<ExpiryGroup>({ values: {}, broken: [] }),
    fc.constantFrom(null, "").map((v) => ({ values: { expiryDate: v }, broken: [] })),
    futureDate.map((v) => ({ values: { expiryDate: v }, broken: [] })),
    lifetime.map((v) => ({ values: { expiresIn: v }, broken: [] })),
    lifetime.map((v) => ({ values: { expiresIn: v, rotateBefore: "1d" }, broken: [] })),
  ),
  fc.oneof(
    fc
      .oneof(
        pastDate,
        nastyString.filter((s) => s !== "" && !/^\d{4}-/.test(s)),
        fc.integer(),
        fc.boolean(),
      )
      .map((v) => ({ values: { expiryDate: v }, broken: ["expiryDate"] })),
    fc
      .oneof(
        fc.constantFrom("30m", "59m", "0h", "1x", "d", "-1d"),
        nastyString.filter((s) => !/^(\d+d)?(\d+h)?(\d+m)?$/.test(s)),
        nonString,
      )
      .map((v) => ({ values: { expiresIn: v }, broken: ["expiresIn"] })),
    fc
      .tuple(futureDate, lifetime)
      .map(([d, l]) => ({ values: { expiryDate: d, expiresIn: l }, broken: ["expiresIn"] })),
    fc.constant<ExpiryGroup>({ values: { rotateBefore: "1d" }, broken: ["rotateBefore"] }),
    lifetime.map((l) => ({ values: { expiresIn: l, rotateBefore: l }, broken: ["rotateBefore"] })),
    lifetime.map((l) => ({ values: { expiresIn: l, rotateBefore: "soon" }, broken: ["rotateBefore"] })),
  ),
);

const validStatus = fc.constantFrom(undefined, null, "enabled", "disabled");
const status = field(
  validStatus.map(ok),
  fc
    .oneof(
      fc.constantFrom("Enabled", "DISABLED", "on", "", "enabled "),
      nastyString.filter((s) => s !== "enabled" && s !== "disabled"),
      nonString,
    )
    .map(bad("status")),
);

const ACTIONS = ["pull", "push", "delete"];
const scopeName = nastyString.filter((s) => s.trim() !== "" && !/\s/.test(s) && s.length <= 255);
const validScope = fc.record({
  name: scopeName,
  type: fc.constantFrom("repository", "registry"),
  actions: fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 5 }),
});

/** A scope broken in one way, and the path (below `scopes[i]`) the failure must name. */
const brokenScope: fc.Arbitrary<{ scope: unknown; path: string }> = fc.oneof(
  fc
    .oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.integer()))
    .map((scope) => ({ scope, path: "" })),
  fc
    .tuple(
      validScope,
      fc.oneof(
        fc.constantFrom("", "  ", "\t", "app name", "a\nb", "x".repeat(256)),
        nonString,
        fc.constant(null),
      ),
    )
    .map(([s, n]) => ({ scope: { ...s, name: n }, path: ".name" })),
  fc
    .tuple(
      validScope,
      fc.oneof(
        nastyString.filter((t) => t !== "repository" && t !== "registry"),
        nonString,
      ),
    )
    .map(([s, t]) => ({ scope: { ...s, type: t }, path: ".type" })),
  fc
    .tuple(validScope, fc.oneof(fc.constant([]), fc.constant(null), fc.string(), fc.integer()))
    .map(([s, a]) => ({ scope: { ...s, actions: a }, path: ".actions" })),
  fc
    .tuple(
      validScope,
      fc.oneof(
        nastyString.filter((a) => !ACTIONS.includes(a)),
        fc.integer(),
        fc.constant(null),
      ),
    )
    .map(([s, a]) => ({
      scope: { ...s, actions: [...s.actions, a] },
      path: `.actions[${s.actions.length}]`,
    })),
  fc
    .tuple(
      validScope,
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !["name", "type", "actions"].includes(k)),
    )
    .map(([s, k]) => ({ scope: Object.fromEntries([...Object.entries(s), [k, 1]]), path: `.${k}` })),
);

const validScopes = fc.oneof(
  fc.constantFrom(undefined, null, []),
  fc.uniqueArray(validScope, { maxLength: 4, selector: (s) => `${s.type}\u0000${s.name}` }),
);
/** Valid scopes with distinct (type, name), plus at most one broken scope or one duplicate. */
const scopes = field(
  validScopes.map(ok),
  fc.oneof(
    fc
      .tuple(
        fc.uniqueArray(validScope, { maxLength: 3, selector: (s) => `${s.type}\u0000${s.name}` }),
        brokenScope,
      )
      .map(([valid, { scope, path }]) => ({
        value: [...valid, scope],
        broken: [`scopes[${valid.length}]${path}`],
      })),
    fc
      .tuple(validScope, fc.constantFrom(...ACTIONS))
      .map(([s, action]) => ({ value: [s, { ...s, actions: [action] }], broken: ["scopes[1]"] })),
    fc
      .oneof(nastyString, fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.string()))
      .map(bad("scopes")),
  ),
);

const validTriggers = fc.oneof(
  fc.constantFrom(undefined, null),
  fc.dictionary(fc.string({ unit: "grapheme", maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })),
);
const rotationTriggers = field(
  validTriggers.map(ok),
  fc
    .oneof(nastyString, fc.integer(), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 })))
    .map(bad("rotationTriggers")),
);

/**
 * Valid values of every input outside the expiry group (`expiryDate`, `expiresIn`, `rotateBefore`), whose
 * rules span properties and which the callers build themselves; `undefined` stands for an absent property.
 */
export const validFields = fc.record({
  registryId: validRegistryId,
  name: validName,
  namePrefix: validNamePrefix,
  status: validStatus,
  scopes: validScopes,
  rotationTriggers: validTriggers,
});

const unknownKey = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
    fc.constantFrom("__proto__", "constructor", "Name", "password"),
  )
  .filter((k) => !(INPUT_KEYS as readonly string[]).includes(k) && k !== "__provider");

/** Inputs with zero or more properties broken on purpose, and their expected failure paths. */
export const generatedInputs: fc.Arbitrary<Generated> = fc
  .record({
    registryId,
    name,
    namePrefix,
    expiry,
    status,
    scopes,
    rotationTriggers,
    extra: fc.option(unknownKey, { nil: undefined, freq: 2 }),
  })
  .map(({ expiry: group, extra, ...parts }) => {
    const entries: Array<[string, unknown]> = [];
    const broken: string[] = [...group.broken];
    for (const [key, part] of Object.entries(parts)) {
      if (part.value !== undefined) entries.push([key, part.value]);
      broken.push(...part.broken);
    }
    entries.push(...Object.entries(group.values));
    if (extra !== undefined) {
      entries.push([extra, 1]);
      broken.push(extra);
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
    return { news: Object.fromEntries(entries), broken };
  });

/**
 * Replaces values with the unknown marker at random depths, only inside properties that are not broken
 * (an unknown value must never be reported, and must not hide a failure elsewhere).
 */
export function withUnknowns(generated: Generated, seedPaths: readonly number[]): Record<string, unknown> {
  const brokenRoots = new Set(generated.broken.map((p) => rootOf(p, generated.news)));
  const news: Record<string, unknown> = { ...generated.news };
  const keys = Object.keys(news).filter(
    (k) => !brokenRoots.has(k) && (INPUT_KEYS as readonly string[]).includes(k),
  );
  // expiresIn and rotateBefore are judged together: leave the group alone when any of it is broken.
  const group = ["expiryDate", "expiresIn", "rotateBefore"];
  const usable = keys.filter((k) => !group.includes(k) || !group.some((g) => brokenRoots.has(g)));
  seedPaths.forEach((pick, i) => {
    if (usable.length === 0) return;
    const key = usable[pick % usable.length];
    news[key] = sprinkle(news[key], pick + i);
  });
  return news;
}

/**
 * The top-level property a failure path belongs to: `scopes[1].name` → `scopes`; a path that is itself a key
 * of `news` (an unknown key may contain `.` or `[`) is its own root.
 */
export function rootOf(path: string, news: Record<string, unknown> = {}): string {
  if (Object.prototype.hasOwnProperty.call(news, path)) return path;
  return /^[^.[]+/.exec(path)?.[0] ?? path;
}

function sprinkle(value: unknown, pick: number): unknown {
  if (Array.isArray(value) && value.length > 0) {
    const i = pick % value.length;
    return value.map((v, j) => (j === i ? sprinkle(v, Math.floor(pick / 2)) : v));
  }
  if (value !== null && typeof value === "object" && Object.keys(value).length > 0 && pick % 3 !== 0) {
    const entries = Object.entries(value);
    const i = pick % entries.length;
    return Object.fromEntries(
      entries.map(([k, v], j) => [k, j === i ? sprinkle(v, Math.floor(pick / 2)) : v]),
    );
  }
  return UNKNOWN;
}
