/**
 * Differential properties of the two modes: the same program, checked and diffed by the provider plugin (the
 * real executable, over gRPC) and by the dynamic provider (inside Pulumi's real dynamic-provider host), must get
 * the same answers — the same failures (property and reason), the same checked inputs, and the same diff
 * (changes, replaces, deleteBeforeReplace). Both modes share one implementation of the rules; what this guards
 * is the thin layer each speaks to Pulumi with (secrets unwrapped, the name prefix taken from the URN, the
 * protobuf round trip), for random and adversarial inputs alike.
 *
 * Each mode gets what the engine would send it. The plugin accepts secrets, so a program's secret values reach
 * it wrapped; the dynamic host does not, so it gets them plain, with `__provider`. The generated-name prefix
 * travels differently: the plugin takes it from the resource name at the end of the URN, the `RegistryToken`
 * class sends `defaultNamePrefix` (namePrefixFrom of its resource name). Each run uses one resource name for
 * both, so the prefixes are equal; only a generated name's random suffix may then differ.
 */
import { expect } from "chai";
import fc from "fast-check";
import { namePrefixFrom } from "../../provider/rules/naming";
import { UNKNOWN } from "../../provider/rules/unknown";
import { revealed, secretProperties } from "../../provider/plugin/wire";
import { checkTokenInputs } from "../../provider/rules/validate";
import { serializedProvider } from "../support/hostSession";
import { secretValue, startPluginSession, type PluginSession } from "../support/pluginSession";
import { startProviderHost, type ProviderHost } from "../support/providerHost";
import { generatedInputs, INPUT_KEYS, NOW, withUnknowns } from "./arbitraries";
import {
  DAY,
  ignoreChanges,
  storedOutputs,
  unknownAt,
  unknownKeys,
  validProgram,
  withIgnoreChanges,
  type Props,
} from "./programs";

const RUNS = { seed: 20307, numRuns: 150, endOnFailure: true } as const;

/** Both processes read the clock from here, so that expiry plans and rotations agree to the millisecond. */
const CLOCK = { IONOS_REGISTRY_TOKEN_CLOCK: new Date(NOW).toISOString() };

/** The protocol's DiffChanges enum, as the dynamic host answers it. */
const CHANGES = ["unknown", "none", "some"] as const;

/**
 * Resource names: plain, odd (a leading digit, spaces, a colon, unicode, overlong: each cleaned differently
 * into a prefix), and random. Never `::`, the URN's separator: a name holding it has no single reading in a URN.
 */
const resourceName = fc.oneof(
  fc.constantFrom("token", "ci-push", "9lives", "my token/ü", "web:push", "--", "Ǳ", "x".repeat(80)),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }).filter((n) => !n.includes("::")),
);

/** A value as JSON can hold it (only JSON crosses the gRPC boundary), or the unknown marker. */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(UNKNOWN, null, "", "enabled", "90d", "2031-01-01T00:00:00Z") },
);

/**
 * Keys of an adversarial program: the inputs, the ones `check` consumes (`defaultNamePrefix`, the legacy
 * `rotationDue`), output names, and names special to JavaScript objects. Not `__provider`: the class
 * overwrites it, so no dynamic program can send its own.
 */
const adversarialKey = fc.constantFrom(
  ...INPUT_KEYS,
  "defaultNamePrefix",
  "rotationDue",
  "password",
  "tokenId",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
);

/** Which previous inputs a check gets: see the check property. */
type Kind = "create" | "same" | "other" | "ignored" | "junk";

/** A program's arguments: random inputs (some broken on purpose), with unknowns, valid programs, or junk. */
const programArgs: fc.Arbitrary<Props> = fc.oneof(
  generatedInputs.map((g) => g.news),
  fc
    .tuple(generatedInputs, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }))
    .map(([g, picks]) => withUnknowns(g, picks)),
  validProgram.map((p) => p.news),
  fc.dictionary(adversarialKey, anyValue, { maxKeys: 8 }),
);

/** What the `RegistryToken` class registers for `args` (toInputs): its own `defaultNamePrefix` wins. */
function dynamicProgram(name: string, args: Props): Props {
  return { ...args, defaultNamePrefix: namePrefixFrom(name) };
}

/** `props` as the engine hands them to a provider that accepts secrets: values chosen by `picks` wrapped. */
function withSecrets(props: Props, picks: readonly number[]): Props {
  let i = 0;
  // Every value, at any depth, is wrapped when its pick is 0 (one in five): whole inputs, scopes, fields.
  const wrap = (value: unknown): unknown => {
    const inner = Array.isArray(value)
      ? value.map(wrap)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]))
        : value;
    return picks.length > 0 && picks[i++ % picks.length] === 0 ? secretValue(inner) : inner;
  };
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, wrap(v)]));
}
const secretPicks = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 });

/** A call's answer, or the message it failed with (both modes must fail alike, too). */
async function outcome<T>(call: () => Promise<T>): Promise<T | { threw: string }> {
  try {
    return await call();
  } catch (error) {
    const e = error as Error & { details?: string };
    return { threw: e.details ?? e.message };
  }
}

/** A name `check` generated: the stored prefix, `-`, and eight random lower-case letters or digits. */
function isGenerated(inputs: Props): boolean {
  const { name, namePrefix } = inputs;
  return (
    typeof name === "string" &&
    typeof namePrefix === "string" &&
    name.startsWith(`${namePrefix}-`) &&
    /^[a-z0-9]{8}$/.test(name.slice(namePrefix.length + 1))
  );
}

describe("the plugin and the dynamic provider agree: check and diff over random and adversarial programs", function () {
  this.timeout(60_000);
  let plugin: PluginSession;
  let host: ProviderHost;
  let provider: string;

  before(async () => {
    const starting = [
      startPluginSession(CLOCK, { captureStderr: true }).then((started) => (plugin = started)),
      startProviderHost({ env: CLOCK }).then((started) => (host = started)),
      serializedProvider().then((serialized) => (provider = serialized)),
    ];
    // Every start settles before a failure is reported, so that the after hook closes whichever did start.
    await Promise.allSettled(starting);
    await Promise.all(starting);
    // As the engine does before any Check; neither needs credentials to check or diff.
    await Promise.all([plugin.configure({}), host.configure({})]);
  });
  after(async () => {
    await Promise.all([plugin?.close(), host?.close()]);
  });

  /** Both modes' check of `args` against the stored inputs `olds`, side by side. */
  async function checkBoth(name: string, olds: Props, args: Props, picks: readonly number[]) {
    const dynamicOlds = Object.keys(olds).length > 0 ? { ...olds, __provider: provider } : {};
    const sent = withSecrets(args, picks);
    const [viaPlugin, viaHost] = await Promise.all([
      outcome(() => plugin.checkAnswer(name, sent, withSecrets(olds, picks))),
      outcome(() => host.check(dynamicOlds, { ...dynamicProgram(name, args), __provider: provider })),
    ]);
    if (!("threw" in viaPlugin)) {
      // The plugin keeps secretness itself: what arrived secret is answered secret. The values then compare plain.
      const secret = secretProperties(sent);
      for (const [key, value] of Object.entries(viaPlugin.inputs))
        if (secret.has(key))
          expect(secretProperties({ [key]: value }).has(key), `${key} answered secret`).to.equal(true);
      viaPlugin.inputs = revealed(viaPlugin.inputs) as Props;
    }
    if (!("threw" in viaHost)) {
      // The host hands `__provider` back among the inputs; it is the dynamic mode's own, not a token input.
      expect(viaHost.inputs.__provider).to.equal(provider);
      delete viaHost.inputs.__provider;
    }
    return { viaPlugin, viaHost };
  }

  it("check: the same failures and the same checked inputs (a generated name's random suffix aside)", async () => {
    const seen = { failed: 0, accepted: 0, generated: 0, kept: 0, unknown: 0, secret: 0, threw: 0 };
    await fc.assert(
      fc.asyncProperty(
        resourceName,
        programArgs,
        fc.oneof(
          { weight: 2, arbitrary: fc.constant<Kind>("create") },
          { weight: 1, arbitrary: fc.constantFrom<Kind>("same", "other", "ignored", "junk") },
        ),
        validProgram,
        ignoreChanges,
        fc.dictionary(adversarialKey, anyValue, { maxKeys: 6 }),
        secretPicks,
        async (name, args, kind, earlier, ignored, junk, picks) => {
          // The previous inputs: none (a create), those of an earlier valid program — given again (a generated
          // name is kept), replaced by another program, or copied back for ignoreChanges — or junk an old or
          // hand-edited state might hold.
          const stored = checkTokenInputs({}, dynamicProgram(name, earlier.news), NOW).inputs;
          const olds = kind === "create" ? {} : kind === "junk" ? junk : stored;
          const news =
            kind === "same"
              ? earlier.news
              : kind === "ignored"
                ? withIgnoreChanges(args, stored, ignored)
                : args;
          const { viaPlugin, viaHost } = await checkBoth(name, olds, news, picks);
          const what = JSON.stringify({ name, olds, news }).slice(0, 2000);
          if ("threw" in viaPlugin || "threw" in viaHost) {
            // check should never fail as a call; if it does, it must at least do so alike in both modes.
            expect(viaPlugin, what).to.deep.equal(viaHost);
            seen.threw++;
            return;
          }

          expect(viaPlugin.failures, `failures of ${what}`).to.deep.equal(viaHost.failures);
          const [p, d] = [{ ...viaPlugin.inputs }, { ...viaHost.inputs }];
          if (p.name !== d.name && isGenerated(p) && isGenerated(d) && p.namePrefix === d.namePrefix) {
            // Two fresh names from the same prefix: only the random suffix may differ.
            p.name = d.name = "<generated>";
            seen.generated++;
          } else if (isGenerated(p) && kind !== "create") seen.kept++;
          expect(p, `checked inputs of ${what}`).to.deep.equal(d);

          if (viaHost.failures.length > 0) seen.failed++;
          else seen.accepted++;
          if (JSON.stringify(news).includes(UNKNOWN)) seen.unknown++;
          if (picks.includes(0) && Object.keys(news).length > 0) seen.secret++;
        },
      ),
      RUNS,
    );
    // Each kind of case came up in earnest.
    expect(seen.failed, JSON.stringify(seen)).to.be.greaterThan(30);
    expect(seen.accepted, JSON.stringify(seen)).to.be.greaterThan(15);
    expect(seen.generated, JSON.stringify(seen)).to.be.greaterThan(10);
    expect(seen.kept, JSON.stringify(seen)).to.be.greaterThan(10);
    expect(seen.unknown, JSON.stringify(seen)).to.be.greaterThan(15);
    expect(seen.secret, JSON.stringify(seen)).to.be.greaterThan(30);
  });

  /**
   * A stored token and the checked inputs of a later `pulumi up`: the same program (its token perhaps due for
   * rotation by now), one with some inputs taken from another program, one with stored inputs copied back
   * (ignoreChanges), or one with values unknown at preview.
   */
  const diffCase = fc
    .record({
      name: resourceName,
      first: validProgram,
      other: validProgram,
      // How long ago the token was planned: at times long enough for its lifetime to be (nearly) over.
      ageDays: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
      ),
      change: fc.constantFrom("same", "mixed", "ignored", "unknown"),
      mixed: fc.subarray<string>([...INPUT_KEYS], { minLength: 1 }),
      ignored: ignoreChanges,
      unknown: unknownKeys,
      pick: fc.nat(),
      // Older states lack some outputs (or hold the legacy rotationDue); the engine sends them as stored.
      dropped: fc.subarray(["namePrefix", "expiresIn", "rotateBefore", "rotationTriggers", "expiryDate"]),
      legacy: fc.boolean(),
      picks: secretPicks,
    })
    .map((c) => {
      const planned = NOW - Math.round(c.ageDays * DAY);
      const stored = checkTokenInputs({}, dynamicProgram(c.name, c.first.news), planned).inputs;
      const outs: Props = storedOutputs(stored);
      for (const key of c.dropped) delete outs[key];
      if (c.legacy) outs.rotationDue = null;
      let args = c.first.news;
      if (c.change === "mixed") {
        args = { ...args };
        for (const key of c.mixed) {
          if (key in c.other.news) args[key] = c.other.news[key];
          else delete args[key];
        }
      }
      if (c.change === "ignored") args = withIgnoreChanges(args, stored, c.ignored);
      const checked = checkTokenInputs(stored, dynamicProgram(c.name, args), NOW);
      // A program check refuses never reaches diff: such a mix is diffed as the unchanged program instead.
      let news =
        checked.failures.length === 0
          ? checked.inputs
          : checkTokenInputs(stored, dynamicProgram(c.name, c.first.news), NOW).inputs;
      if (c.change === "unknown") {
        news = { ...news };
        c.unknown.forEach((key, i) => (news[key] = unknownAt(key, news[key], c.pick + i)));
      }
      return { name: c.name, stored, outs, news, picks: c.picks };
    });

  /** Diffs anything at all: outputs and inputs of any shape an old or hand-edited state might hold. */
  const junkDiffCase = fc
    .record({
      name: resourceName,
      outs: fc.dictionary(adversarialKey, anyValue, { maxKeys: 8 }),
      news: fc.dictionary(adversarialKey, anyValue, { maxKeys: 8 }),
      picks: secretPicks,
    })
    .map((c) => ({ ...c, stored: c.news }));

  it("diff: the same changes, replaces and deleteBeforeReplace for random (olds, news) pairs", async () => {
    const seen = { none: 0, update: 0, replace: 0, rotation: 0, deleteFirst: 0, createFirst: 0, threw: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: diffCase }, { weight: 1, arbitrary: junkDiffCase }),
        async ({ name, stored, outs, news, picks }) => {
          const id = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17/0c3e5a7b-9d1f-4b2a-8c6e-5f4d3b2a1c0e";
          const [viaPlugin, viaHost] = await Promise.all([
            outcome(async () => {
              // As the state holds it in plugin mode: the password a secret, like any secret input.
              const secretOuts = { ...withSecrets(outs, picks), password: secretValue(outs.password ?? "") };
              const diff = await plugin.diff(
                name,
                { id, inputs: stored, outs: secretOuts },
                withSecrets(news, picks),
              );
              return {
                changes: diff.changes,
                replaces: diff.replaces,
                deleteBeforeReplace: diff.deleteBeforeReplace,
              };
            }),
            outcome(async () => {
              const diff = await host.diff(
                id,
                { ...outs, __provider: provider },
                { ...news, __provider: provider },
              );
              return { ...diff, changes: CHANGES[diff.changes] };
            }),
          ]);
          expect(viaPlugin, JSON.stringify({ name, outs, news }).slice(0, 2000)).to.deep.equal(viaHost);

          if ("threw" in viaHost) seen.threw++;
          else {
            if (viaHost.changes === "none") seen.none++;
            else if (viaHost.replaces.length === 0) seen.update++;
            else seen.replace++;
            // The expiry replaces a token only when it is due for rotation.
            if (viaHost.replaces.includes("expiryDate")) seen.rotation++;
            if (viaHost.replaces.length > 0)
              seen[viaHost.deleteBeforeReplace ? "deleteFirst" : "createFirst"]++;
          }
        },
      ),
      RUNS,
    );
    expect(seen.none, JSON.stringify(seen)).to.be.greaterThan(10);
    expect(seen.update, JSON.stringify(seen)).to.be.greaterThan(10);
    expect(seen.replace, JSON.stringify(seen)).to.be.greaterThan(20);
    expect(seen.rotation, JSON.stringify(seen)).to.be.greaterThan(3);
    expect(seen.deleteFirst, JSON.stringify(seen)).to.be.greaterThan(5);
    expect(seen.createFirst, JSON.stringify(seen)).to.be.greaterThan(5);
  });
});
