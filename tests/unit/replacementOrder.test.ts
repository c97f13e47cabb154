import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { registerToken } from "../support/serializedProvider";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

describe("replacement order RegistryToken asks the engine for (deleteBeforeReplace)", () => {
  it("a chosen name: delete first, since `pulumi up --replace` asks no provider", async () => {
    expect(
      (await registerToken("chosen", { registryId: REGISTRY, name: "ci-push" })).deleteBeforeReplace,
    ).to.equal(true);
  });

  it("a generated name: no option, so the provider's answer (create first) orders a rotation", async () => {
    expect((await registerToken("generated", { registryId: REGISTRY })).deleteBeforeReplace).to.equal(
      undefined,
    );
  });

  it("a name given as an Output: left to the provider's answer (it may resolve to no name)", async () => {
    const deferred = await registerToken("deferred", {
      registryId: REGISTRY,
      name: pulumi.output("ci-push"),
    });
    expect(deferred.deleteBeforeReplace).to.equal(undefined);
  });

  it("the program's own deleteBeforeReplace wins", async () => {
    const chosen = await registerToken(
      "chosen-create-first",
      { registryId: REGISTRY, name: "ci-push" },
      { deleteBeforeReplace: false },
    );
    expect(chosen.deleteBeforeReplace).to.equal(false);
  });
});
