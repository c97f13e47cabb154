import { expect } from "chai";
import * as sinon from "sinon";
import { ionosApiError } from "../../provider/client/errors";
import type { TokensApi } from "../../provider/client/tokens";
import { deleteToken } from "../../provider/lifecycle/operations";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const TOKEN = "8fb592e4-494c-11ed-b878-0242ac120002";
const ID = `${REGISTRY}/${TOKEN}`;

function apiError(method: string, status: number, ambiguous: boolean) {
  return ionosApiError({
    operation: method === "GET" ? "registriesTokensFindById" : "registriesTokensDelete",
    method,
    route: `/registries/${REGISTRY}/tokens/${TOKEN}`,
    status,
    messages: [],
    retryable: false,
    attempts: 1,
    ambiguous,
    ...(status === 0 ? { cause: "timeout" } : { fromApi: true }),
  });
}

function fakeApi() {
  return { get: sinon.stub(), delete: sinon.stub() };
}
const asApi = (f: ReturnType<typeof fakeApi>) => f as unknown as TokensApi;

describe("deleteToken after an ambiguous failure (operations.ts)", () => {
  for (const [what, status] of [
    ["a 500 after the server deleted", 500],
    ["a timeout", 0],
  ] as const) {
    it(`succeeds when ${what} and a GET finds the token gone`, async () => {
      const api = fakeApi();
      api.delete.rejects(apiError("DELETE", status, true));
      api.get.rejects(apiError("GET", 404, false));
      await deleteToken(asApi(api), ID);
      expect(api.get.calledOnceWithExactly(REGISTRY, TOKEN)).to.equal(true);
    });
  }

  it("fails with the DELETE's error when the token still exists", async () => {
    const api = fakeApi();
    const failure = apiError("DELETE", 500, true);
    api.delete.rejects(failure);
    api.get.resolves({ id: TOKEN, properties: {} });
    expect(await deleteToken(asApi(api), ID).catch((e: unknown) => e)).to.equal(failure);
  });

  it("fails with the DELETE's error when the GET cannot tell either", async () => {
    const api = fakeApi();
    const failure = apiError("DELETE", 0, true);
    api.delete.rejects(failure);
    api.get.rejects(apiError("GET", 503, false));
    expect(await deleteToken(asApi(api), ID).catch((e: unknown) => e)).to.equal(failure);
  });

  it("does not look the token up after a failure that proves nothing was deleted", async () => {
    const api = fakeApi();
    const failure = apiError("DELETE", 403, false);
    api.delete.rejects(failure);
    expect(await deleteToken(asApi(api), ID).catch((e: unknown) => e)).to.equal(failure);
    expect(api.get.called).to.equal(false);
  });
});
