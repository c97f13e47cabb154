import { expect } from "chai";
import { registerToken } from "../support/serializedProvider";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

describe("replacement order RegistryToken asks the engine for (deleteBeforeReplace)", () => {
  it("a chosen name: delete first, since `pulumi up --replace` asks no provider", async () => {
    expect(
      (await registerToken("chosen", { registryId: REGISTRY, name: "ci-push" })).deleteBeforeReplace,
    ).to.equal(true);
  });

  it("a generated name: create first (zero-downtime rotation)", async () => {
    expect((await registerToken("generated", { registryId: REGISTRY })).deleteBeforeReplace).to.equal(false);
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
