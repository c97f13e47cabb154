import { expect } from "chai";
import fc from "fast-check";
import { checkTokenInputs } from "../../provider/rules/validate";
import { startHostSession, type HostSession } from "../support/hostSession";
import { generatedInputs, INPUT_KEYS, NOW, rootOf, withUnknowns } from "./arbitraries";
import { DYNAMIC_ENGINE_KEYS } from "../../provider/lifecycle/runtime";

const RUNS = { seed: 20307, numRuns: 400, endOnFailure: true } as const;

/** The structural guarantees of every `check` answer, whatever the input. */
function expectWellFormed(failures: unknown, news: Record<string, unknown>): void {
  expect(failures).to.be.an("array");
  for (const failure of failures as Array<{ property: unknown; reason: unknown }>) {
    expect(failure.property).to.be.a("string").that.is.not.empty;
    expect(failure.reason).to.be.a("string").that.is.not.empty;
    const property = failure.property as string;
    // A failure names a property the input has (or a required one it lacks), and its reason names it too.
    const root = rootOf(property, news);
    expect(Object.prototype.hasOwnProperty.call(news, root) || root === "registryId", property).to.be.true;
    expect(failure.reason as string, property).to.include(
      property.length > 200 ? property.slice(0, 200) : property,
    );
  }
}

describe("check (validate.ts): properties over random and adversarial inputs", () => {
  it("rejects exactly the properties broken on purpose, naming each, and accepts the rest", () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(generatedInputs, ({ news, broken }) => {
        if (broken.length === 0) valid++;
        else invalid++;
        const { failures } = checkTokenInputs({}, news, NOW);
        expectWellFormed(failures, news);
        const named = new Set(failures.map((f) => f.property));
        for (const path of broken) expect([...named], `must name ${path}`).to.include(path);
        const expectedRoots = new Set(broken.map((p) => rootOf(p, news)));
        const unexpected = failures.filter((f) => !expectedRoots.has(rootOf(f.property, news)));
        expect(unexpected, "failures for properties that were valid").to.deep.equal([]);
      }),
      RUNS,
    );
    // Both kinds were generated in earnest (fast-check repeats no run after a success).
    expect(valid).to.be.greaterThan(20);
    expect(invalid).to.be.greaterThan(200);
  });

  it("never reports an unknown value, at any depth, nor lets one hide a failure elsewhere", () => {
    fc.assert(
      fc.property(generatedInputs, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (generated, picks) => {
        const news = withUnknowns(generated, picks);
        const { failures } = checkTokenInputs({}, news, NOW);
        expectWellFormed(failures, news);
        const roots = (paths: string[]) => new Set(paths.map((p) => rootOf(p, news)));
        expect(roots(failures.map((f) => f.property))).to.deep.equal(roots(generated.broken));
      }),
      RUNS,
    );
  });

  it("never throws, whatever the olds and news (any JSON-ish value, nested nulls, odd keys)", () => {
    const value = fc.oneof(
      fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }),
      fc.constant(null),
    );
    const bag = fc.oneof(
      fc.dictionary(fc.constantFrom(...INPUT_KEYS, "__provider", "__proto__", "x"), value, { maxKeys: 10 }),
      fc.record(Object.fromEntries(INPUT_KEYS.map((k) => [k, value])), { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(bag, bag, (olds, news) => {
        const { inputs, failures } = checkTokenInputs(olds, news, NOW);
        expect(inputs).to.be.an("object");
        expectWellFormed(failures, news);
      }),
      RUNS,
    );
  });

  it("accepts its own output as the previous inputs (olds) without a new failure", () => {
    fc.assert(
      fc.property(
        generatedInputs.filter((g) => g.broken.length === 0),
        ({ news }) => {
          const first = checkTokenInputs({}, news, NOW);
          expect(first.failures).to.deep.equal([]);
          const again = checkTokenInputs(first.inputs, news, NOW);
          expect(again.failures).to.deep.equal([]);
          expect(again.inputs.name).to.equal(first.inputs.name);
        },
      ),
      { ...RUNS, numRuns: 100 },
    );
  });
});

describe("check through Pulumi's dynamic-provider host: a sample of the same inputs", function () {
  this.timeout(30_000);
  let session: HostSession;

  before(async () => {
    session = await startHostSession({
      emulator: { registries: [{ name: "input" }] },
      config: { "ionoscloud:token": "input-check-token" },
      env: { IONOS_REGISTRY_TOKEN_CLOCK: new Date(NOW).toISOString() },
    });
  });
  after(async () => {
    await session?.close();
  });

  it("answers every sampled input with the failures of a direct call, and makes no API request", async () => {
    // Only JSON crosses the gRPC boundary (a protobuf Struct): compare on the JSON form of each input. A
    // "__proto__" key does not survive the host's decoding into an object, so it is left out of this sample.
    const samples = fc.sample(generatedInputs, { seed: RUNS.seed, numRuns: 40 });
    for (const { news } of samples) {
      const json = JSON.parse(JSON.stringify(news)) as Record<string, unknown>;
      const wire = Object.fromEntries([
        ...Object.entries(json).filter(([key]) => key !== "__proto__"),
        ["__provider", session.provider],
      ]);
      const viaHost = await session.host.check({}, wire);
      // The host's own `__provider` goes through as in the dynamic provider's check.
      const direct = checkTokenInputs({}, wire, NOW, DYNAMIC_ENGINE_KEYS);
      // Properties must match; reasons may quote a value whose keys the Struct encoding has sorted.
      const properties = (failures: Array<{ property: string }>) => failures.map((f) => f.property);
      expect(properties(viaHost.failures), JSON.stringify(news).slice(0, 300)).to.deep.equal(
        properties(direct.failures),
      );
      for (const f of viaHost.failures) expect(f.reason).to.include(f.property);
    }
    expect(samples.filter((s) => s.broken.length > 0).length).to.be.greaterThan(10);
    expect(session.emulator.requests()).to.deep.equal([]);
  });

  it("answers a missing, null or wrongly typed value at every input key with a failure naming it, never a protobuf error", async () => {
    const valid = { registryId: "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17", name: "ci-push" };
    // Optional keys take null and absence as "not set"; only registryId is required.
    const wrongTypes: unknown[] = [42, true, [], { nested: 1 }];
    for (const key of INPUT_KEYS) {
      const missing = { ...valid } as Record<string, unknown>;
      delete missing[key];
      const cases: Array<[string, Record<string, unknown>, boolean]> = [
        ["absent", missing, key === "registryId"],
        ["null", { ...valid, [key]: null }, key === "registryId"],
        ...wrongTypes
          // A map of any values is what rotationTriggers is.
          .filter((v) => !(key === "rotationTriggers" && typeof v === "object" && !Array.isArray(v)))
          // An empty list is a valid scopes value.
          .filter((v) => !(key === "scopes" && Array.isArray(v)))
          .map((v): [string, Record<string, unknown>, boolean] => [
            JSON.stringify(v),
            { ...valid, [key]: v },
            true,
          ]),
      ];
      for (const [what, news, fails] of cases) {
        const answer = await session.host.check({}, { ...news, __provider: session.provider });
        const named = answer.failures.map((f) => f.property.split(/[.[]/)[0]);
        expect(named, `${key} ${what}`).to.deep.equal(fails ? [key] : []);
      }
    }
    expect(session.emulator.requests()).to.deep.equal([]);
  });
});
