import { expect } from "chai";
import * as sinon from "sinon";
import { ionosApiError } from "../../provider/client/errors";
import type { WireToken } from "../../provider/client/models";
import { TokensApi } from "../../provider/client/tokens";
import { lookUpToken, lookUpTokens } from "../../provider/lifecycle/lookup";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const T1 = "5f2b1c7e-0d4a-4e8b-9c3f-7a6e1d2b4c81";
const T2 = "5f2b1c7e-0d4a-4e8b-9c3f-7a6e1d2b4c82";
const MISSING = "5f2b1c7e-0d4a-4e8b-9c3f-7a6e1d2b4c89";

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
        fromApi: true,
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
    const { api, tokens } = fakeApi(token(T1, "ci-push"), token(T2, "ci-pull"));
    const byId = await lookUpToken(tokens, { registryId: REGISTRY, tokenId: T2 });
    expect(api.get.callCount).to.equal(1);
    expect(api.list.called).to.equal(false);
    expect(byId).to.deep.equal({
      registryId: REGISTRY,
      tokenId: T2,
      name: "ci-pull",
      expiryDate: null,
      status: "disabled",
      scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
      createdDate: "2030-01-01T00:00:00Z",
    });
    expect(JSON.stringify(byId)).to.not.include("must-never-show");
    expect((await lookUpToken(tokens, { registryId: REGISTRY, name: "ci-push" })).tokenId).to.equal(T1);
    // The registry treats names differing only in case as one name.
    expect((await lookUpToken(tokens, { registryId: REGISTRY, name: "CI-PUSH" })).tokenId).to.equal(T1);
  });

  it("needs exactly one of tokenId and name, and names what it could not find", async () => {
    const { tokens } = fakeApi(token(T1, "ci-push"));
    for (const args of [{}, { tokenId: T1, name: "ci-push" }]) {
      const error = await lookUpToken(tokens, { registryId: REGISTRY, ...args }).catch((e) => e);
      expect(error.message).to.equal("getRegistryToken: give exactly one of tokenId and name");
    }
    expect(
      (await lookUpToken(tokens, { registryId: REGISTRY, tokenId: MISSING }).catch((e) => e)).message,
    ).to.equal(`getRegistryToken: no token ${MISSING} in registry ${REGISTRY}`);
    expect(
      (await lookUpToken(tokens, { registryId: REGISTRY, name: "xy" }).catch((e) => e)).message,
    ).to.equal(`getRegistryToken: no token named "xy" in registry ${REGISTRY}`);
  });

  it("lists every token, or those whose name starts with a prefix", async () => {
    const { tokens } = fakeApi(token(T1, "ci-push"), token(T2, "web-pull"));
    expect((await lookUpTokens(tokens, { registryId: REGISTRY })).tokens.map((t) => t.name)).to.deep.equal([
      "ci-push",
      "web-pull",
    ]);
    expect(
      (await lookUpTokens(tokens, { registryId: REGISTRY, namePrefix: "web-" })).tokens.map((t) => t.tokenId),
    ).to.deep.equal([T2]);
  });

  describe("arguments are checked with the resource's rules, naming each, before any API call", () => {
    const failures: Array<[string, (api: TokensApi) => Promise<unknown>, RegExp]> = [
      [
        "getRegistryToken without registryId",
        (api) => lookUpToken(api, { tokenId: T1 } as never),
        /^getRegistryToken: registryId is required/,
      ],
      [
        "getRegistryTokens without registryId",
        (api) => lookUpTokens(api, {} as never),
        /^getRegistryTokens: registryId is required/,
      ],
      [
        "a registryId that is no UUID",
        (api) => lookUpToken(api, { registryId: "my-registry", name: "ci-push" }),
        /registryId must be a registry UUID .*got "my-registry"/,
      ],
      [
        'tokenId: ""',
        (api) => lookUpToken(api, { registryId: REGISTRY, tokenId: "" }),
        /tokenId must be a token UUID .*got ""/,
      ],
      [
        "a name the API would refuse",
        (api) => lookUpToken(api, { registryId: REGISTRY, name: "-bad name" }),
        /^getRegistryToken: name "-bad name" is invalid: it must start with a letter/,
      ],
      [
        'namePrefix: ""',
        (api) => lookUpTokens(api, { registryId: REGISTRY, namePrefix: "" }),
        /namePrefix must be a non-empty string/,
      ],
      [
        "an argument that does not exist",
        (api) => lookUpTokens(api, { registryId: REGISTRY, prefix: "ci-" } as never),
        /"prefix" is not an argument of getRegistryTokens; expected one of registryId, namePrefix/,
      ],
    ];
    for (const [what, call, message] of failures) {
      it(what, async () => {
        const { api, tokens } = fakeApi(token(T1, "ci-push"));
        const error = await call(tokens).then(
          () => expect.fail("the look-up succeeded"),
          (e: Error) => e,
        );
        expect(error.message).to.match(message);
        expect(api.get.called || api.list.called, "an API call was made").to.equal(false);
      });
    }

    it("an upper-case registryId or tokenId is looked up, and answered, lower case as the resource stores it", async () => {
      const { api, tokens } = fakeApi(token(T1, "ci-push"));
      const found = await lookUpToken(tokens, {
        registryId: REGISTRY.toUpperCase(),
        tokenId: T1.toUpperCase(),
      });
      expect(api.get.firstCall.args.slice(0, 2)).to.deep.equal([REGISTRY, T1]);
      expect(found.registryId).to.equal(REGISTRY);
      const listed = await lookUpTokens(tokens, { registryId: REGISTRY.toUpperCase() });
      expect(api.list.firstCall.args[0]).to.equal(REGISTRY);
      expect(listed.tokens.map((t) => t.registryId)).to.deep.equal([REGISTRY]);
    });
  });
});
