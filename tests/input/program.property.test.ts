/**
 * Properties of `check` followed by `diff` over whole programs, in the forms the engine hands them over: values
 * unknown at preview, stored inputs copied back for `ignoreChanges`, and the many spellings of "no
 * rotationTriggers". Each expectation is stated from the documented behaviour, not read from the provider.
 */
import { expect } from "chai";
import fc from "fast-check";
import { diffToken } from "../../provider/rules/diff";
import { UNKNOWN } from "../../provider/rules/unknown";
import { checkTokenInputs, type CheckOutcome } from "../../provider/rules/validate";
import { futureDate, INPUT_KEYS, NOW, validFields } from "./arbitraries";
import {
  DAY,
  duration,
  ignoreChanges,
  laterClock,
  storedOutputs,
  unknownAt,
  unknownKeys,
  validProgram,
  withIgnoreChanges,
  withoutUndefined,
  type Duration,
  type Props,
} from "./programs";

const RUNS = { seed: 20307, numRuns: 300, endOnFailure: true } as const;

/** A clock fraction in [0, 1) for {@link laterClock}: both ends (fast-check's bias), and evenly in between. */
const fraction = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.integer({ min: 0, max: 999 }).map((n) => n / 1000),
);

/** `check` that must accept: the failures are the assertion message when it does not. */
function accepted(olds: Props, news: Props, nowMs: number): Props {
  const { inputs, failures }: CheckOutcome = checkTokenInputs(olds, news, nowMs);
  expect(failures, JSON.stringify(failures)).to.deep.equal([]);
  return inputs;
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe("check and diff over whole programs: unknowns, ignoreChanges, rotationTriggers", () => {
  describe("values unknown at preview", () => {
    it("a rule relating two inputs waits while either side is unknown, and applies once both are known", () => {
      const optional = <T>(known: fc.Arbitrary<T>) =>
        fc.oneof(fc.constantFrom(undefined, null), known) as fc.Arbitrary<T | null | undefined>;
      // Short durations of both kinds, so that rotateBefore is often as long as expiresIn, or longer.
      const expiry = fc.record({
        expiryDate: optional(futureDate),
        expiresIn: optional(duration(60, 3 * 1440)),
        rotateBefore: optional(duration(1, 3 * 1440)),
      });
      let oneSideUnknown = 0;
      let refusedWhenKnown = 0;
      fc.assert(
        fc.property(
          validFields,
          expiry,
          fc.subarray<string>([...INPUT_KEYS]),
          fc.nat(),
          (fields, { expiryDate, expiresIn, rotateBefore }, masked, pick) => {
            const program = withoutUndefined({
              ...fields,
              expiryDate,
              expiresIn: expiresIn?.text ?? expiresIn,
              rotateBefore: rotateBefore?.text ?? rotateBefore,
            });
            const news = { ...program };
            masked.forEach((key, i) => (news[key] = unknownAt(key, program[key], pick + i)));

            // The documented rules, over the values that are known.
            const known = (key: string) => !masked.includes(key);
            const given = (key: string, value: unknown) => known(key) && value != null;
            const expected: string[] = [];
            if (given("expiresIn", expiresIn) && given("expiryDate", expiryDate)) expected.push("expiresIn");
            if (given("rotateBefore", rotateBefore) && known("expiresIn") && expiresIn == null) {
              expected.push("rotateBefore");
            }
            const lifetime = given("expiresIn", expiresIn) ? (expiresIn as Duration) : undefined;
            const window = given("rotateBefore", rotateBefore) ? (rotateBefore as Duration) : undefined;
            if (lifetime && window && window.ms >= lifetime.ms) expected.push("rotateBefore");

            const pairs: Array<[string, unknown, string, unknown]> = [
              ["expiresIn", expiresIn, "expiryDate", expiryDate],
              ["rotateBefore", rotateBefore, "expiresIn", expiresIn],
            ];
            for (const [a, va, b, vb] of pairs) {
              if ((given(a, va) && !known(b)) || (given(b, vb) && !known(a))) oneSideUnknown++;
            }
            if (expected.length > 0) refusedWhenKnown++;

            const { failures } = checkTokenInputs({}, news, NOW);
            expect(sorted(failures.map((f) => f.property)), JSON.stringify(failures)).to.deep.equal(
              sorted(expected),
            );
          },
        ),
        RUNS,
      );
      expect(oneSideUnknown).to.be.greaterThan(50);
      expect(refusedWhenKnown).to.be.greaterThan(50);
    });

    it("an unknown anywhere in a valid program is no failure, and diff shows a change wherever it could change the token", () => {
      const alone = new Map<string, number>();
      fc.assert(
        fc.property(
          validProgram,
          unknownKeys,
          fc.nat(),
          fc.oneof(
            { weight: 3, arbitrary: fc.constant<string[]>([]) },
            { weight: 1, arbitrary: ignoreChanges },
          ),
          (program, keys, pick, ignored) => {
            if (keys.length === 1) alone.set(keys[0], (alone.get(keys[0]) ?? 0) + 1);
            const first = accepted({}, program.news, NOW);
            const masked = { ...program.news };
            keys.forEach((key, i) => (masked[key] = unknownAt(key, program.news[key], pick + i)));
            // The engine applies ignoreChanges to the program's values, unknown or not.
            const news = withIgnoreChanges(masked, first, ignored);
            const unknown = ignored.includes("*") ? [] : keys.filter((k) => !ignored.includes(k));
            const again = accepted(first, news, NOW);

            const { replaces, updates, mayReplace } = mayChange(unknown, news, first);
            const diff = diffToken(storedOutputs(first), again, NOW);
            const what = JSON.stringify({ unknown, news });
            const replaced = diff.replaces.filter((key) => !mayReplace.has(key) || replaces.has(key));
            expect(sorted(replaced), what).to.deep.equal(sorted(replaces));
            // A property that replaces the token is not also listed as changing in place.
            expect(sorted(diff.updates), what).to.deep.equal(
              sorted([...updates].filter((key) => !diff.replaces.includes(key))),
            );
            expect(diff.changes, what).to.equal(replaces.size + updates.size > 0);
          },
        ),
        RUNS,
      );
      for (const key of INPUT_KEYS) expect(alone.get(key) ?? 0, `${key} unknown alone`).to.be.greaterThan(3);
    });
  });

  describe("ignoreChanges: stored inputs come back as new ones", () => {
    it("a valid program with any keys ignored (or *) has no failure and no change, until its token is due", () => {
      let everything = 0;
      let plannedExpiryCopied = 0;
      let daysLater = 0;
      fc.assert(
        fc.property(validProgram, ignoreChanges, fc.boolean(), fraction, (program, ignored, legacy, when) => {
          const first = accepted({}, program.news, NOW);
          // Version 0.1.0 also stored a derived rotationDue among the inputs; the engine copies it back too.
          const stored = legacy ? { ...first, rotationDue: null } : first;
          const later = laterClock(program, when);
          if (later - NOW >= 2 * DAY) daysLater++;
          const news = withIgnoreChanges(program.news, stored, ignored);
          if (ignored.includes("*")) everything++;
          if (typeof news.expiresIn === "string" && typeof news.expiryDate === "string")
            plannedExpiryCopied++;

          const again = accepted(stored, news, later);
          expect(again.name).to.equal(first.name);
          expect(again.namePrefix).to.equal(first.namePrefix);
          const instant = (v: unknown) => (typeof v === "string" ? Date.parse(v) : v);
          expect(instant(again.expiryDate)).to.equal(instant(first.expiryDate));
          const diff = diffToken(storedOutputs(stored), again, later);
          expect(diff, JSON.stringify({ news, later: new Date(later) })).to.deep.include({
            changes: false,
            replaces: [],
            updates: [],
          });
        }),
        RUNS,
      );
      expect(everything).to.be.greaterThan(30);
      expect(plannedExpiryCopied).to.be.greaterThan(20);
      expect(daysLater).to.be.greaterThan(50);
    });
  });

  describe("rotationTriggers", () => {
    /** The forms of "no triggers": absent, null, `{}`, and maps whose values are all null or undefined. */
    const noTriggers = fc.oneof(
      fc.constantFrom(undefined, null, {}),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.constantFrom(null, undefined), {
        minKeys: 1,
        maxKeys: 4,
      }),
    );
    const triggerKey = fc.string({ unit: "grapheme", maxLength: 8 });
    const value = fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null);
    /** Maps with at least one value that is not null. */
    const someTriggers = fc
      .tuple(
        fc.dictionary(triggerKey, value, { minKeys: 1, maxKeys: 4 }),
        fc.dictionary(triggerKey, fc.constantFrom(null, undefined), { maxKeys: 2 }),
      )
      .map(([set, unset]) => ({ ...unset, ...set }));
    const program = (p: Props, triggers: unknown) => withoutUndefined({ ...p, rotationTriggers: triggers });

    it("all forms of no triggers are equivalent: no failure, and switching between them shows no change", () => {
      fc.assert(
        fc.property(
          validProgram,
          noTriggers,
          noTriggers,
          fc.boolean(),
          fraction,
          (p, before, after, old, when) => {
            const first = accepted({}, program(p.news, before), NOW);
            expect(first.rotationTriggers, "no triggers: left out").to.equal(undefined);
            // Earlier versions stored the map as given (`{}`, `{ a: null }`): an existing state may still hold it.
            const stored = old ? { ...first, rotationTriggers: before ?? null } : first;
            const later = laterClock(p, when);
            const again = accepted(stored, program(p.news, after), later);
            expect(again.rotationTriggers, "no triggers: left out").to.equal(undefined);
            expect(diffToken(storedOutputs(stored), again, later)).to.deep.include({ changes: false });
          },
        ),
        RUNS,
      );
    });

    it("any change of a value that is not null replaces; null entries and key order never do", () => {
      /** A value that differs from `v` whatever the encoding (no -0 vs 0, no key-order tricks). */
      const other = (v: unknown): unknown =>
        typeof v === "string"
          ? `${v}'`
          : typeof v === "boolean"
            ? !v
            : typeof v === "number"
              ? Math.abs(v) < 2 ** 52
                ? v + 1
                : v / 2
              : [v];
      const mutation = fc.constantFrom("change", "add", "remove", "null", "fromNone", "toNone");
      fc.assert(
        fc.property(
          validProgram,
          someTriggers,
          mutation,
          fc.nat(),
          noTriggers,
          (p, triggers, how, pick, none) => {
            const set = Object.entries(triggers).filter(([, v]) => v != null);
            const [key, old] = set[pick % set.length];
            let before: unknown = triggers;
            let after: unknown;
            if (how === "change") after = { ...triggers, [key]: other(old) };
            else if (how === "add") after = { ...triggers, [freshKey(triggers, key)]: old };
            else if (how === "remove") after = Object.fromEntries(set.filter(([k]) => k !== key));
            else if (how === "null") after = { ...triggers, [key]: null };
            else if (how === "fromNone") [before, after] = [none, triggers];
            else after = none;
            // Removing or nulling the only value that was set is a change too: the token had a trigger.
            const first = accepted({}, program(p.news, before), NOW);
            const replaced = accepted(first, program(p.news, after), NOW);
            const diff = diffToken(storedOutputs(first), replaced, NOW);
            expect(diff.replaces, JSON.stringify({ before, after })).to.include("rotationTriggers");
            expect(diff.changes).to.equal(true);

            // The same values, in another key order and with null-valued entries: no change.
            const padded = { ...triggers, [freshKey(triggers, key)]: null };
            const reordered = Object.fromEntries(Object.entries(padded).reverse());
            const firstSet = accepted({}, program(p.news, triggers), NOW);
            const same = accepted(firstSet, program(p.news, reordered), NOW);
            expect(diffToken(storedOutputs(firstSet), same, NOW)).to.deep.include({ changes: false });
            // Older versions stored the map as given, null entries included.
            const storedAsGiven = { ...firstSet, rotationTriggers: triggers };
            expect(diffToken(storedOutputs(storedAsGiven), same, NOW)).to.deep.include({ changes: false });
          },
        ),
        RUNS,
      );
    });
  });
});

/** A key `map` does not have, made from `key`. */
function freshKey(map: Props, key: string): string {
  let fresh = `${key}+`;
  while (Object.prototype.hasOwnProperty.call(map, fresh)) fresh += "+";
  return fresh;
}

/**
 * What unknown values at `keys` may change once known, given the values `check` received (`news`) and the
 * stored inputs (`olds`): the README's "Change means" column, plus the rotation rule — an unknown `rotateBefore`
 * may put a token that keeps its lifetime in its window. An unknown `namePrefix` matters only for a generated
 * name, and an unknown `expiryDate` beside a known `expiresIn` either equals the planned expiry or is refused
 * once known. `replaces` and `updates` must be reported; `mayReplace` may be, as a cautious preview: an unknown
 * `rotateBefore` beside an unknown `expiresIn` of a token without a lifetime cannot make it due (a new lifetime
 * plans a fresh expiry), but saying so needs the stored state.
 */
function mayChange(
  keys: readonly string[],
  news: Props,
  olds: Props,
): { replaces: Set<string>; updates: Set<string>; mayReplace: Set<string> } {
  const replaces = new Set<string>();
  const updates = new Set<string>();
  const mayReplace = new Set<string>();
  const lifetimeMayStay =
    typeof news.expiresIn === "string" && (news.expiresIn !== UNKNOWN || typeof olds.expiresIn === "string");
  for (const key of keys) {
    if (key === "registryId" || key === "name" || key === "rotationTriggers") replaces.add(key);
    else if (key === "namePrefix") {
      if (news.name == null) replaces.add("name");
    } else if (key === "expiryDate") {
      if (news.expiresIn == null) updates.add("expiryDate");
    } else if (key === "expiresIn") {
      updates.add("expiresIn").add("expiryDate");
    } else if (key === "rotateBefore") {
      updates.add("rotateBefore");
      if (lifetimeMayStay) replaces.add("expiryDate");
      else if (news.expiresIn === UNKNOWN) mayReplace.add("expiryDate");
    } else updates.add(key);
  }
  return { replaces, updates, mayReplace };
}
