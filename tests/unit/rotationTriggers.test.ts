import { expect } from "chai";
import { diffToken } from "../../provider/rules/diff";
import { checkTokenInputs } from "../../provider/rules/validate";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const NOW = Date.parse("2030-01-01T00:00:00Z");
const base = { registryId: REGISTRY, name: "ci" };

/** What check makes of `rotationTriggers`. */
const checked = (rotationTriggers: unknown) =>
  checkTokenInputs({}, { ...base, rotationTriggers }, NOW).inputs.rotationTriggers;

describe("rotationTriggers: absent, null and empty are the same (no replacement)", () => {
  // `{ version: process.env.X }` with X unset reaches the provider as `{}`.
  for (const [what, value] of [
    ["absent", undefined],
    ["null", null],
    ["{}", {}],
    ["a map whose only value is null", { version: null }],
  ] as const) {
    it(`check stores ${what} as no triggers (the key left out)`, () => {
      expect(checked(value)).to.equal(undefined);
    });
  }

  it("check keeps the entries that have a value", () => {
    expect(checked({ a: "1", b: null })).to.deep.equal({ a: "1" });
  });

  const olds = (rotationTriggers: unknown) => ({
    ...base,
    namePrefix: null,
    expiryDate: null,
    status: "enabled",
    scopes: [],
    rotationTriggers,
  });

  for (const [was, now] of [
    [null, {}],
    [{}, null],
    [undefined, {}],
    [{}, { version: null }],
  ] as const) {
    it(`diff: ${JSON.stringify(was) ?? "absent"} → ${JSON.stringify(now)} changes nothing`, () => {
      expect(diffToken(olds(was), olds(now))).to.deep.include({ changes: false, replaces: [] });
    });
  }

  it("diff: a trigger given a value replaces the token", () => {
    expect(diffToken(olds(null), olds({ version: "2" })).replaces).to.deep.equal(["rotationTriggers"]);
    expect(diffToken(olds({}), olds({ version: "2" })).replaces).to.deep.equal(["rotationTriggers"]);
  });
});
