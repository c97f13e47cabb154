import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { registerToken } from "../support/serializedProvider";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const WHEN = new Date("2031-02-03T04:05:06.789Z");

describe("RegistryToken arguments as a program passes them (registration under mocks)", () => {
  describe("expiryDate as a Date reaches the provider as RFC 3339 text", () => {
    const cases: Array<[string, () => pulumi.Input<string | Date | null>]> = [
      ["a Date", () => WHEN],
      ["a Promise of a Date", () => Promise.resolve(WHEN)],
      ["an Output of a Date", () => pulumi.output("x").apply(() => WHEN)],
    ];
    for (const [what, value] of cases) {
      it(what, async () => {
        const { inputs } = await registerToken("dated", { registryId: REGISTRY, expiryDate: value() });
        expect(inputs.expiryDate).to.equal("2031-02-03T04:05:06.789Z");
      });
    }

    it("an invalid Date as its text, for check to refuse by name", async () => {
      const { inputs } = await registerToken("dated", { registryId: REGISTRY, expiryDate: new Date("nope") });
      expect(inputs.expiryDate).to.equal("Invalid Date");
    });

    it("strings and null unchanged", async () => {
      expect(
        (await registerToken("s", { registryId: REGISTRY, expiryDate: "2031-01-01T00:00:00Z" })).inputs
          .expiryDate,
      ).to.equal("2031-01-01T00:00:00Z");
      expect(
        (await registerToken("n", { registryId: REGISTRY, expiryDate: null })).inputs.expiryDate,
      ).to.equal(null);
    });
  });
});
