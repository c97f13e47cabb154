import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { registerToken } from "../support/serializedProvider";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

describe("replacement order RegistryToken asks the engine for (deleteBeforeReplace)", () => {
  // The provider's diff orders every replacement, as in plugin mode: a class default here would apply to a
  // rename too, deleting the only working token before its successor exists.
  for (const [what, args] of [
    ["a chosen name", { registryId: REGISTRY, name: "ci-push" }],
    ["a generated name", { registryId: REGISTRY }],
    ["a name given as an Output", { registryId: REGISTRY, name: pulumi.output("ci-push") }],
  ] as const) {
    it(`${what}: no option, so the provider's answer orders the replacement`, async () => {
      expect((await registerToken("t", args)).deleteBeforeReplace).to.equal(undefined);
    });
  }

  for (const option of [true, false]) {
    it(`the program's own deleteBeforeReplace: ${option} reaches the engine`, async () => {
      const chosen = await registerToken(
        "chosen",
        { registryId: REGISTRY, name: "ci-push" },
        { deleteBeforeReplace: option },
      );
      expect(chosen.deleteBeforeReplace).to.equal(option);
    });
  }
});
