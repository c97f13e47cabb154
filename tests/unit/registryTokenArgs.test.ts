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

describe("RegistryToken output properties (under mocks)", () => {
  const PROPERTIES = [
    "registryId",
    "name",
    "namePrefix",
    "expiresIn",
    "rotateBefore",
    "rotationTriggers",
    "expiryDate",
    "status",
    "scopes",
    "tokenId",
    "username",
    "password",
    "createdDate",
  ] as const;

  /** Declares a token whose engine state holds a distinct value for every property; returns what resolves. */
  async function resolved(declare: (RT: typeof import("../../provider").RegistryToken) => unknown) {
    const state = Object.fromEntries(PROPERTIES.map((p) => [p, `state-${p}`]));
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: "r/t", state: { ...args.inputs, ...state } }), call: () => ({}) },
      "proj",
      "dev",
      false,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RegistryToken } = require("../../provider") as typeof import("../../provider");
    const token = declare(RegistryToken) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const p of PROPERTIES) {
      const output = token[p];
      values[p] = pulumi.Output.isInstance(output)
        ? await new Promise((resolve) => output.apply(resolve))
        : `not an Output: ${String(output)}`;
    }
    return { values, state };
  }

  it("every declared property resolves to the state when only registryId is given", async () => {
    const { values, state } = await resolved((RT) => new RT("minimal", { registryId: REGISTRY }));
    expect(values).to.deep.equal(state);
  });

  it("every declared property resolves to the state for RegistryToken.get", async () => {
    const { values, state } = await resolved((RT) => RT.get("adopted", `${REGISTRY}/t`));
    expect(values).to.deep.equal(state);
  });
});
