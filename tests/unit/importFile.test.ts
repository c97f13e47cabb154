import { expect } from "chai";
import * as sinon from "sinon";
import type { WireToken } from "../../provider/client/models";
import type { TokensApi } from "../../provider/client/tokens";
import {
  importFileFor,
  REGISTRY_TOKEN_TYPE,
  serializeRegistryTokenProvider,
} from "../../provider/cli/importFile";
import { registerToken } from "../support/serializedProvider";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const A = "8fb592e4-494c-11ed-b878-0242ac120002";
const B = "9fb592e4-494c-11ed-b878-0242ac120002";

function token(id: string, name: string): WireToken {
  return {
    id,
    metadata: { createdDate: "2030-01-01T00:00:00.123Z", state: "enabled" },
    properties: {
      name,
      credentials: { username: name, password: "" },
      expiryDate: "2031-02-03T04:05:06+00:00",
      scopes: [{ name: "app", type: "repository", actions: ["push", "pull"] }],
      status: "disabled",
    },
  };
}

function api(...tokens: WireToken[]) {
  const get = sinon.stub().callsFake(async (_registryId: string, id: string) => {
    const found = tokens.find((t) => t.id === id);
    if (!found) throw new Error(`no token ${id}`);
    return found;
  });
  return { api: { get } as unknown as TokensApi, get };
}

describe("import file (importFile.ts)", () => {
  it("describes each token with one GET: inputs a program declaring it sends, outputs with an empty password", async () => {
    const { api: fake, get } = api(token(A, "made-elsewhere"));
    const file = await importFileFor(fake, [`${REGISTRY}/${A.toUpperCase()}`], "PROVIDER");
    expect(get.callCount).to.equal(1);
    const [entry] = file.resources;
    expect(entry).to.deep.include({
      type: REGISTRY_TOKEN_TYPE,
      name: "made-elsewhere",
      id: `${REGISTRY}/${A}`,
    });
    const declared = {
      registryId: REGISTRY,
      name: "made-elsewhere",
      namePrefix: null,
      expiresIn: null,
      rotateBefore: null,
      rotationTriggers: null,
      expiryDate: "2031-02-03T04:05:06Z",
      status: "disabled",
      scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
    };
    expect(entry.inputs).to.deep.equal({ ...declared, __provider: "PROVIDER" });
    expect(entry.outputs).to.deep.equal({
      ...declared,
      tokenId: A,
      username: "made-elsewhere",
      password: "",
      createdDate: "2030-01-01T00:00:00Z",
      __provider: "PROVIDER",
    });
  });

  it("names a single resource with --name; refuses --name for several, and two resources with one name", async () => {
    const { api: fake } = api(token(A, "same"), token(B, "same"));
    expect((await importFileFor(fake, [`${REGISTRY}/${A}`], "P", "adopted")).resources[0].name).to.equal(
      "adopted",
    );
    const several = await importFileFor(fake, [`${REGISTRY}/${A}`, `${REGISTRY}/${B}`], "P", "x").catch(
      (e) => e,
    );
    expect(several.message).to.match(/--name names one resource, but 2 token ids were given/);
    const twins = await importFileFor(fake, [`${REGISTRY}/${A}`, `${REGISTRY}/${B}`], "P").catch((e) => e);
    expect(twins.message).to.include(`would both be imported as "same"`);
  });

  it("refuses a malformed id, naming the expected form", async () => {
    const { api: fake, get } = api();
    const error = await importFileFor(fake, ["not-an-id"], "P").catch((e) => e);
    expect(error.message).to.match(/expected "<registryId>\/<tokenId>"/);
    expect(get.called).to.equal(false);
  });

  it("serializes the provider byte for byte as RegistryToken stores it", async () => {
    const registered = await registerToken("twin", { registryId: REGISTRY });
    expect(await serializeRegistryTokenProvider()).to.equal(registered.provider);
  });
});
