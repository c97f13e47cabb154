import { expect } from "chai";
import * as sinon from "sinon";
import { ionosApiError } from "../../provider/client/errors";
import type { WireToken } from "../../provider/client/models";
import { TokensApi } from "../../provider/client/tokens";
import { lookUpToken, lookUpTokens } from "../../provider/lookup";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

function token(id: string, name: string): WireToken {
  return {
    id,
    metadata: { createdDate: "2030-01-01T00:00:00.5Z", state: "enabled" },
    properties: {
      name,
      credentials: { username: name, password: "must-never-show" },
      expiryDate: null,
      scopes: [{ name: "app", type: "repository", actions: ["push", "pull", "pull"] }],
      status: "disabled",
    },
  };
}

function fakeApi(...tokens: WireToken[]) {
  const api = {
    get: sinon.stub().callsFake(async (_r: string, id: string) => {
      const found = tokens.find((t) => t.id === id);
      if (found) return found;
      throw ionosApiError({
        operation: "registriesTokensFindById",
        method: "GET",
        route: "/r",
        status: 404,
        messages: [],
        retryable: false,
        attempts: 1,
        ambiguous: false,
      });
    }),
    list: sinon.stub().resolves(tokens),
  };
  // The real TokensApi methods (findByName lists through `list`) over stubbed HTTP-level calls.
  const real = Object.assign(Object.create(TokensApi.prototype) as TokensApi, api);
  return { api, tokens: real };
}

describe("look-ups (lookup.ts)", () => {
  it("finds one token by id (one GET) or by name (the list), canonical, and never with a password", async () => {
    const { api, tokens } = fakeApi(token("t1", "ci-push"), token("t2", "ci-pull"));
    const byId = await lookUpToken(tokens, { registryId: REGISTRY, tokenId: "t2" });
    expect(api.get.callCount).to.equal(1);
    expect(api.list.called).to.equal(false);
    expect(byId).to.deep.equal({
      registryId: REGISTRY,
      tokenId: "t2",
      name: "ci-pull",
      expiryDate: null,
      status: "disabled",
      scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
      createdDate: "2030-01-01T00:00:00Z",
    });
    expect(JSON.stringify(byId)).to.not.include("must-never-show");
    expect((await lookUpToken(tokens, { registryId: REGISTRY, name: "ci-push" })).tokenId).to.equal("t1");
    // The registry treats names differing only in case as one name.
    expect((await lookUpToken(tokens, { registryId: REGISTRY, name: "CI-PUSH" })).tokenId).to.equal("t1");
  });

  it("needs exactly one of tokenId and name, and names what it could not find", async () => {
    const { tokens } = fakeApi(token("t1", "ci-push"));
    for (const args of [{}, { tokenId: "t1", name: "ci-push" }]) {
      const error = await lookUpToken(tokens, { registryId: REGISTRY, ...args }).catch((e) => e);
      expect(error.message).to.equal("getRegistryToken needs exactly one of tokenId and name");
    }
    expect(
      (await lookUpToken(tokens, { registryId: REGISTRY, tokenId: "nope" }).catch((e) => e)).message,
    ).to.equal(`getRegistryToken: no token nope in registry ${REGISTRY}`);
    expect((await lookUpToken(tokens, { registryId: REGISTRY, name: "x" }).catch((e) => e)).message).to.equal(
      `getRegistryToken: no token named "x" in registry ${REGISTRY}`,
    );
  });

  it("lists every token, or those whose name starts with a prefix", async () => {
    const { tokens } = fakeApi(token("t1", "ci-push"), token("t2", "web-pull"));
    expect((await lookUpTokens(tokens, { registryId: REGISTRY })).tokens.map((t) => t.name)).to.deep.equal([
      "ci-push",
      "web-pull",
    ]);
    expect(
      (await lookUpTokens(tokens, { registryId: REGISTRY, namePrefix: "web-" })).tokens.map((t) => t.tokenId),
    ).to.deep.equal(["t2"]);
  });
});
