import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { checkTokenInputs, MIN_EXPIRY_LEAD_MS } from "../../provider/rules/validate";
import { UNKNOWN } from "../../provider/rules/unknown";

const NOW = Date.parse("2030-01-01T00:00:00Z");
const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const valid = {
  registryId: REGISTRY,
  name: "ci-pull",
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
};

function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return checkTokenInputs(olds, news, NOW);
}

function failedProperties(news: Record<string, unknown>, olds: Record<string, unknown> = {}): string[] {
  return check(news, olds).failures.map((f) => f.property);
}

describe("check (validate.ts)", () => {
  it("the unknown marker equals pulumi.runtime.unknownValue", () => {
    expect(UNKNOWN).to.equal(pulumi.runtime.unknownValue);
  });

  it("accepts valid inputs and applies defaults", () => {
    const { inputs, failures } = check(valid);
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.include({
      registryId: REGISTRY,
      name: "ci-pull",
      status: "enabled",
    });
    // A chosen name stores no prefix: that is what marks it as chosen.
    expect(inputs).to.not.have.property("namePrefix");
    expect(inputs.scopes).to.deep.equal([{ name: "*", type: "repository", actions: ["pull"] }]);
  });

  it("defaults scopes to an empty list", () => {
    expect(check({ registryId: REGISTRY, name: "abc" }).inputs.scopes).to.deep.equal([]);
  });

  describe("registryId", () => {
    it("is required", () => {
      const { failures } = check({ name: "abc" });
      expect(failures).to.have.length(1);
      expect(failures[0].property).to.equal("registryId");
      expect(failures[0].reason).to.match(/required/);
    });
    for (const bad of ["not-a-uuid", 42, "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b1", `${REGISTRY}x`]) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        expect(failedProperties({ ...valid, registryId: bad })).to.deep.equal(["registryId"]);
      });
    }
    it("is normalized to lower case", () => {
      expect(check({ ...valid, registryId: REGISTRY.toUpperCase() }).inputs.registryId).to.equal(REGISTRY);
    });
  });

  describe("name", () => {
    for (const good of ["ab", "A1", "push-token", "testRegistryToken", `a${"b".repeat(62)}`]) {
      it(`accepts ${good.slice(0, 20)}`, () =>
        expect(failedProperties({ ...valid, name: good })).to.deep.equal([]));
    }
    const cases: Array<[unknown, RegExp]> = [
      ["a", /2 to 63/],
      [`a${"b".repeat(63)}`, /2 to 63 characters long \(it has 64\)/],
      ["1abc", /start with a letter/],
      ["abc-", /end with a letter or a digit/],
      ["ab_c", /only letters, digits and hyphens/],
      ["ab c", /only letters, digits and hyphens/],
      ["äbc", /start with a letter/],
      [7, /must be a string/],
    ];
    for (const [bad, reason] of cases) {
      it(`rejects ${JSON.stringify(bad)} saying why`, () => {
        const { failures } = check({ ...valid, name: bad });
        expect(failures.map((f) => f.property)).to.deep.equal(["name"]);
        expect(failures[0].reason).to.match(reason);
      });
    }
  });

  describe("generated names", () => {
    it("generates prefix-suffix within the API's rule when name is omitted", () => {
      const name = check({ registryId: REGISTRY, namePrefix: "ci" }).inputs.name as string;
      expect(name).to.match(/^ci-[a-z0-9]{8}$/);
    });
    it("keeps the generated name across updates while the prefix is unchanged", () => {
      const first = check({ registryId: REGISTRY, namePrefix: "ci" }).inputs;
      const second = check({ registryId: REGISTRY, namePrefix: "ci", status: "disabled" }, first).inputs;
      expect(second.name).to.equal(first.name);
    });
    it("generates a fresh name on replacement (empty olds) and when the prefix changes", () => {
      const first = check({ registryId: REGISTRY, namePrefix: "ci" }).inputs;
      expect(check({ registryId: REGISTRY, namePrefix: "ci" }).inputs.name).to.not.equal(first.name);
      expect(check({ registryId: REGISTRY, namePrefix: "cd" }, first).inputs.name).to.match(/^cd-/);
    });
    it("stays within 63 characters for the longest prefix", () => {
      const prefix = `p${"x".repeat(53)}`;
      const name = check({ registryId: REGISTRY, namePrefix: prefix }).inputs.name as string;
      expect(name).to.have.length(63);
      expect(failedProperties({ registryId: REGISTRY, name })).to.deep.equal([]);
    });
    it("keeps the prefix only for a generated name (none marks a user-chosen name)", () => {
      expect(check({ registryId: REGISTRY, namePrefix: "ci" }).inputs.namePrefix).to.equal("ci");
      expect(check({ registryId: REGISTRY, name: "fixed", namePrefix: "ci" }).inputs).to.not.have.property(
        "namePrefix",
      );
    });
    it("rejects an invalid prefix", () => {
      expect(failedProperties({ registryId: REGISTRY, namePrefix: "9lives" })).to.deep.equal(["namePrefix"]);
      expect(failedProperties({ registryId: REGISTRY, namePrefix: `p${"x".repeat(54)}` })).to.deep.equal([
        "namePrefix",
      ]);
    });
  });

  describe("generated names from the engine's random seed (saved plans)", () => {
    const seed = (text: string) => new Uint8Array(Buffer.from(text));
    const named = (randomSeed?: Uint8Array) =>
      checkTokenInputs({}, { registryId: REGISTRY, defaultNamePrefix: "ci" }, NOW, [], randomSeed).inputs
        .name;
    it("the same seed draws the same name (the preview that saves a plan and the up that follows)", () => {
      expect(named(seed("plan-1")))
        .to.equal(named(seed("plan-1")))
        .and.match(/^ci-[a-z0-9]{8}$/);
    });
    it("another seed, or none, draws another name", () => {
      expect(named(seed("plan-1"))).to.not.equal(named(seed("plan-2")));
      const [first, second] = [named(), named()];
      expect(first).to.match(/^ci-[a-z0-9]{8}$/);
      expect(first).to.not.equal(second);
    });
  });

  describe("expiryDate", () => {
    const future = new Date(NOW + 2 * MIN_EXPIRY_LEAD_MS).toISOString();
    it("is normalized to UTC seconds", () => {
      const { inputs, failures } = check({ ...valid, expiryDate: "2030-06-01T14:30:15.999+02:00" });
      expect(failures).to.deep.equal([]);
      expect(inputs.expiryDate).to.equal("2030-06-01T12:30:15Z");
    });
    it("defaults to none (never expires), left out of the stored inputs", () => {
      expect(check(valid).inputs).to.not.have.property("expiryDate");
      expect(check({ ...valid, expiryDate: null }).inputs).to.not.have.property("expiryDate");
    });
    for (const bad of [
      "tomorrow",
      "2030-02-30T00:00:00Z",
      "2030-01-01",
      "2030-01-01T10:00:00",
      1234567890,
      {},
    ]) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        const { failures } = check({ ...valid, expiryDate: bad });
        expect(failures.map((f) => f.property)).to.deep.equal(["expiryDate"]);
        expect(failures[0].reason).to.match(/RFC 3339/);
      });
    }
    it("explains a Date the Pulumi SDK flattened to {} (wrapped in pulumi.output/secret/all)", () => {
      const [failure] = check({ ...valid, expiryDate: {} }).failures;
      expect(failure.reason).to.match(/pulumi\.output\(\), pulumi\.secret\(\) or pulumi\.all\(\) reaches/);
      expect(check({ ...valid, expiryDate: 1234567890 }).failures[0].reason).to.not.include("pulumi.output");
    });
    it('"" means no expiry, also beside expiresIn', () => {
      const { inputs, failures } = check({ ...valid, expiryDate: "", expiresIn: "30d" });
      expect(failures).to.deep.equal([]);
      expect(inputs.expiryDate).to.be.a("string");
    });
    it("must be at least one hour ahead when new", () => {
      const soon = new Date(NOW + MIN_EXPIRY_LEAD_MS - 1000).toISOString();
      const { failures } = check({ ...valid, expiryDate: soon });
      expect(failures.map((f) => f.property)).to.deep.equal(["expiryDate"]);
      expect(failures[0].reason).to.match(/at least one hour in the future/);
      expect(failedProperties({ ...valid, expiryDate: future })).to.deep.equal([]);
    });
    it("may be near or past when unchanged (written differently) from the previous inputs", () => {
      const past = "2029-12-31T23:00:00Z";
      expect(
        failedProperties({ ...valid, expiryDate: "2030-01-01T00:00:00+01:00" }, { expiryDate: past }),
      ).to.deep.equal([]);
    });
    it("is checked again when changed", () => {
      expect(
        failedProperties(
          { ...valid, expiryDate: "2029-12-31T23:30:00Z" },
          { expiryDate: "2029-12-31T23:00:00Z" },
        ),
      ).to.deep.equal(["expiryDate"]);
    });
  });

  describe("durations: bounded by the latest date the API can store", () => {
    // From 2030-01-01, 9999-12-31T23:59:59Z is 2,910,981 whole days ahead.
    for (const property of ["expiresIn", "rotateBefore"] as const) {
      for (const huge of ["100000000d", "3000000d", "2910982d", "999999999999999999999d"]) {
        it(`${property}: "${huge}" fails naming ${property} and the bound, without throwing`, () => {
          const news = { ...valid, expiresIn: "30d", rotateBefore: "7d", [property]: huge };
          const failures = check(news).failures.filter((f) => f.property === property);
          expect(failures, JSON.stringify(check(news).failures)).to.have.length(1);
          expect(failures[0].reason).to.include(`${property} "${huge}" is too long`);
          expect(failures[0].reason).to.include(
            '9999-12-31T23:59:59Z, the latest date the API can store (at most "2910981d")',
          );
        });
      }
    }
    it('"2910981d" still fits, and plans an expiry within the bound', () => {
      const { inputs, failures } = check({ ...valid, expiresIn: "2910981d" });
      expect(failures).to.deep.equal([]);
      expect(inputs.expiryDate).to.match(/^9999-12-3\dT/);
    });
    it("a duration that is not one still says what a duration is", () => {
      expect(check({ ...valid, expiresIn: "30 days" }).failures[0].reason).to.match(
        /must be a duration such as/,
      );
    });
  });

  describe("status", () => {
    it("accepts enabled and disabled", () => {
      expect(failedProperties({ ...valid, status: "disabled" })).to.deep.equal([]);
      expect(failedProperties({ ...valid, status: "enabled" })).to.deep.equal([]);
    });
    for (const bad of ["Enabled", "on", true, ""]) {
      it(`rejects ${JSON.stringify(bad)}`, () =>
        expect(failedProperties({ ...valid, status: bad })).to.deep.equal(["status"]));
    }
  });

  describe("scopes", () => {
    it("deduplicates actions into canonical order", () => {
      const { inputs } = check({
        ...valid,
        scopes: [{ name: "app/*", type: "repository", actions: ["delete", "pull", "pull", "push"] }],
      });
      expect(inputs.scopes).to.deep.equal([
        { name: "app/*", type: "repository", actions: ["pull", "push", "delete"] },
      ]);
    });
    it("must be a list", () => {
      expect(failedProperties({ ...valid, scopes: { name: "*" } })).to.deep.equal(["scopes"]);
    });
    const cases: Array<[unknown, string[]]> = [
      [null, ["scopes[0]"]],
      ["*", ["scopes[0]"]],
      [{ name: "", type: "repository", actions: ["pull"] }, ["scopes[0].name"]],
      [{ name: "  ", type: "repository", actions: ["pull"] }, ["scopes[0].name"]],
      [{ type: "repository", actions: ["pull"] }, ["scopes[0].name"]],
      [{ name: "my app", type: "repository", actions: ["pull"] }, ["scopes[0].name"]],
      [{ name: "a".repeat(256), type: "repository", actions: ["pull"] }, ["scopes[0].name"]],
      [{ name: "*", type: "backup", actions: ["pull"] }, ["scopes[0].type"]],
      [{ name: "*", type: "repository", actions: [] }, ["scopes[0].actions"]],
      [{ name: "*", type: "repository", actions: "pull" }, ["scopes[0].actions"]],
      [{ name: "*", type: "repository", actions: ["pull", "write"] }, ["scopes[0].actions[1]"]],
      [{ name: "*", type: "repository", actions: ["pull"], extra: 1 }, ["scopes[0].extra"]],
      [{ name: 1, type: "x", actions: [] }, ["scopes[0].name", "scopes[0].type", "scopes[0].actions"]],
    ];
    for (const [scope, properties] of cases) {
      it(`rejects ${JSON.stringify(scope)} naming ${properties.join(", ")}`, () => {
        expect(failedProperties({ ...valid, scopes: [scope] })).to.deep.equal(properties);
      });
    }
    it("rejects a repeated (type, name) pair", () => {
      const scope = { name: "*", type: "repository", actions: ["pull"] };
      expect(failedProperties({ ...valid, scopes: [scope, { ...scope, actions: ["push"] }] })).to.deep.equal([
        "scopes[1]",
      ]);
    });
  });

  it("reports one failure per bad property, all at once", () => {
    expect(
      failedProperties({ registryId: "x", name: "-", status: "on", expiryDate: "soon", scopes: 3 }),
    ).to.deep.equal(["registryId", "name", "expiryDate", "status", "scopes"]);
  });

  it("rejects unknown properties", () => {
    expect(failedProperties({ ...valid, colour: "red" })).to.deep.equal(["colour"]);
  });

  it("passes unknown values through unvalidated, at any depth", () => {
    const news = {
      registryId: UNKNOWN,
      name: UNKNOWN,
      expiryDate: UNKNOWN,
      status: UNKNOWN,
      scopes: [
        { name: UNKNOWN, type: "nonsense", actions: ["pull"] },
        { name: "*", type: "repository", actions: [UNKNOWN] },
      ],
    };
    const { inputs, failures } = check(news);
    expect(failures).to.deep.equal([]);
    // Unknown values pass through as they are; unset optional inputs are left out.
    expect(inputs).to.deep.equal(news);
    expect(check({ ...valid, scopes: UNKNOWN }).inputs.scopes).to.equal(UNKNOWN);
    expect(check({ registryId: REGISTRY, namePrefix: UNKNOWN }).inputs.name).to.equal(UNKNOWN);
  });

  it("never throws on hostile input", () => {
    const hostile = [undefined, null, [], "x".repeat(100000), { __proto__: { name: "x" } }, [[[null]]], NaN];
    for (const value of hostile) {
      for (const key of ["registryId", "name", "namePrefix", "expiryDate", "status", "scopes"]) {
        expect(() => check({ ...valid, [key]: value })).to.not.throw();
      }
    }
  });
});
