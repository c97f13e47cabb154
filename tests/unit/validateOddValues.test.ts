import { expect } from "chai";
import { checkTokenInputs } from "../../provider/rules/validate";

const NOW = Date.parse("2030-01-01T00:00:00Z");
const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

describe("checkTokenInputs with values JSON cannot render (validate.ts)", () => {
  const bare = Object.assign(Object.create(null) as object, { big: 1n });
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;

  for (const [what, value] of [
    ["a BigInt", 10n],
    ["an object without a prototype holding a BigInt", bare],
    ["a cycle", cycle],
  ] as const) {
    it(`reports ${what} as a bad input instead of throwing`, () => {
      const { failures } = checkTokenInputs(
        {},
        { registryId: REGISTRY, name: "ok-name", rotateBefore: value, status: value },
        NOW,
      );
      expect(failures.map((f) => f.property)).to.include.members(["rotateBefore", "status"]);
      for (const f of failures) expect(f.reason).to.be.a("string").and.include(f.property);
    });
  }
});
