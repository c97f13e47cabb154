import { expect } from "chai";
import * as sinon from "sinon";
import nodeFetch, { Response } from "node-fetch";
import { HttpClient, type FetchLike, type HttpClientOptions } from "../../provider/client/http";
import { isIonosApiError } from "../../provider/client/errors";
import { DEFAULT_RETRY_POLICY } from "../../provider/client/retry";

const SECRET = "Bearer super-secret-token-value";

// Compile-time proof that the client's own fetch types (declared so that the published declarations need no
// @types/node-fetch) still describe node-fetch, which the client loads at run time: this line stops compiling
// when they drift apart.
const nodeFetchFits: FetchLike = nodeFetch;

function client(fetch: FetchLike, extra: Partial<HttpClientOptions> = {}) {
  return new HttpClient({
    baseUrl: "http://127.0.0.1:9/containerregistries",
    authorization: SECRET,
    userAgent: "ionos-registry-token/test",
    timeoutMs: 1000,
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100 },
    secrets: [SECRET, "super-secret-token-value"],
    fetch,
    sleep: async () => undefined,
    random: () => 0.5,
    ...extra,
  });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const apiError = (status: number, message: string) =>
  json(status, { httpStatus: status, messages: [{ errorCode: "x", message }] });
const networkError = (code: string) => Object.assign(new Error(`request failed, reason: ${code}`), { code });
const GET = { operation: "registriesTokensGet", method: "GET" as const, path: "/registries/r/tokens" };
const POST = {
  operation: "registriesTokensPost",
  method: "POST" as const,
  path: "/registries/r/tokens",
  body: { properties: { name: "a" } },
};

describe("HttpClient (http.ts)", () => {
  it("declares fetch types that node-fetch's fetch fits (the assignment above compiles)", () => {
    expect(nodeFetchFits).to.equal(nodeFetch);
  });

  afterEach(() => sinon.restore());

  it("sends auth, JSON and User-Agent headers to base + path", async () => {
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().resolves(json(201, { id: "t" }));
    const result = await client(fetch).send(POST);
    expect(result).to.deep.equal({ status: 201, body: { id: "t" } });
    const [url, init] = fetch.firstCall.args;
    expect(url).to.equal("http://127.0.0.1:9/containerregistries/registries/r/tokens");
    expect(init.method).to.equal("POST");
    expect(init.headers).to.deep.include({
      Authorization: SECRET,
      "User-Agent": "ionos-registry-token/test",
      "Content-Type": "application/json",
      Accept: "application/json",
    });
    expect(JSON.parse(init.body as string)).to.deep.equal(POST.body);
    expect(init.signal).to.exist;
    expect(init.agent).to.exist;
  });

  it("encodes the query and reads an empty 204 as no body", async () => {
    const fetch = sinon
      .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
      .resolves(new Response("", { status: 204 }));
    const result = await client(fetch).send({ ...GET, query: { offset: "0", limit: "100" } });
    expect(fetch.firstCall.args[0]).to.match(/\?offset=0&limit=100$/);
    expect(result).to.deep.equal({ status: 204, body: undefined });
  });

  it("retries GET on 503 and network errors, then succeeds", async () => {
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>();
    fetch.onCall(0).resolves(apiError(503, "busy"));
    fetch.onCall(1).rejects(networkError("ECONNRESET"));
    fetch.onCall(2).resolves(json(200, { ok: 1 }));
    expect((await client(fetch).send(GET)).body).to.deep.equal({ ok: 1 });
    expect(fetch.callCount).to.equal(3);
  });

  it("waits with exponential backoff and full jitter (fake timers)", async () => {
    const clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>();
    fetch.onCall(0).resolves(apiError(502, "bad gateway"));
    fetch.onCall(1).resolves(apiError(502, "bad gateway"));
    fetch.onCall(2).resolves(json(200, {}));
    const c = client(fetch, { sleep: undefined, now: () => Date.now(), random: () => 0.999 });
    const done = c.send(GET);
    await clock.tickAsync(98);
    expect(fetch.callCount).to.equal(1); // first wait: floor(0.999 × 100) = 99 ms
    await clock.tickAsync(1);
    expect(fetch.callCount).to.equal(2);
    await clock.tickAsync(198);
    expect(fetch.callCount).to.equal(2); // second wait: floor(0.999 × 200) = 199 ms
    await clock.tickAsync(1);
    await done;
    expect(fetch.callCount).to.equal(3);
  });

  it("honours Retry-After on 429, for POST too", async () => {
    const sleep = sinon.stub<[number], Promise<void>>().resolves();
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>();
    fetch.onCall(0).resolves(json(429, { httpStatus: 429, messages: [] }, { "Retry-After": "2" }));
    fetch.onCall(1).resolves(json(201, { id: "t" }));
    await client(fetch, { sleep }).send(POST);
    expect(sleep.firstCall.args[0]).to.equal(2000);
  });

  it("does not retry POST on 5xx or on a reset after sending, and marks it ambiguous", async () => {
    for (const outcome of [
      () => Promise.resolve(apiError(503, "x")),
      () => Promise.reject(networkError("ECONNRESET")),
    ]) {
      const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().callsFake(outcome);
      const error = await client(fetch)
        .send(POST)
        .catch((e) => e);
      expect(fetch.callCount).to.equal(1);
      expect(isIonosApiError(error)).to.equal(true);
      expect(error.ambiguous).to.equal(true);
    }
  });

  it("retries POST when the connection was refused (never sent)", async () => {
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>();
    fetch.onCall(0).rejects(networkError("ECONNREFUSED"));
    fetch.onCall(1).resolves(json(201, { id: "t" }));
    expect((await client(fetch).send(POST)).status).to.equal(201);
  });

  it("names the endpoint when no answer came, and gives up at once on a host name that does not resolve", async () => {
    const fetch = sinon
      .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
      .rejects(networkError("ENOTFOUND"));
    const error = await client(fetch)
      .send(POST)
      .catch((e) => e);
    expect(fetch.callCount).to.equal(1);
    expect(error.message).to.include("no response from http://127.0.0.1:9/containerregistries (ENOTFOUND)");
    expect(error.ambiguous, "nothing was sent").to.equal(false);
  });

  it("a failed TLS handshake: nothing was sent, so a POST is not a possible create, and no retry", async () => {
    for (const code of ["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_TLS_INVALID_PROTOCOL_VERSION"]) {
      const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().rejects(networkError(code));
      const error = await client(fetch)
        .send(POST)
        .catch((e) => e);
      expect(fetch.callCount, code).to.equal(1);
      expect(error.ambiguous, code).to.equal(false);
      expect(error.message, code).to.include(`TLS handshake failed: ${code}`);
    }
  });

  it("a generic TLS error may come after the request went out: a POST stays a possible create", async () => {
    for (const code of [
      "EPROTO",
      "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC",
      "ERR_TLS_HANDSHAKE_TIMEOUT",
    ]) {
      const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().rejects(networkError(code));
      const error = await client(fetch)
        .send(POST)
        .catch((e) => e);
      expect(error.ambiguous, code).to.equal(true);
      expect(error.message, code).to.not.include("TLS handshake failed");
    }
  });

  it("says where refused credentials came from (401, 403), never what they are", async () => {
    for (const status of [401, 403]) {
      const fetch = sinon
        .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
        .resolves(apiError(status, "no"));
      const error = await client(fetch, { credentialSource: "stack config ionoscloud:token" })
        .send(GET)
        .catch((e) => e);
      expect(error.message).to.match(
        /HTTP 40[13].*The credentials came from stack config ionoscloud:token\.$/,
      );
      expect(error.message).to.not.include("super-secret");
    }
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().resolves(apiError(404, "gone"));
    const notFound = await client(fetch, { credentialSource: "x" })
      .send(GET)
      .catch((e) => e);
    expect(notFound.message).to.not.include("credentials came from");
  });

  it("tells the API's own 404 (its error document) from a 404 of something else at the endpoint", async () => {
    const fromApi = await client(
      sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().resolves(apiError(404, "gone")),
    )
      .send(GET)
      .catch((e) => e);
    expect({ status: fromApi.status, fromApi: fromApi.fromApi }).to.deep.equal({
      status: 404,
      fromApi: true,
    });
    expect(fromApi.message).to.not.include("check the endpoint");
    for (const page of ["<html><body>Not Found</body></html>", '{"error":"not found"}', ""]) {
      const fetch = sinon
        .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
        .resolves(new Response(page, { status: 404, headers: { "content-type": "text/html" } }));
      const other = await client(fetch)
        .send(GET)
        .catch((e) => e);
      expect({ status: other.status, fromApi: other.fromApi }, page).to.deep.equal({
        status: 404,
        fromApi: false,
      });
      expect(other.message).to.include("HTTP 404 (not an answer of the IONOS API: check the endpoint)");
    }
  });

  it("times out a hanging request and reports it", async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        (init.signal as unknown as AbortSignal).addEventListener("abort", () =>
          reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
        );
      });
    const error = await client(fetch, { timeoutMs: 20, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 } })
      .send(GET)
      .catch((e) => e);
    expect(isIonosApiError(error)).to.equal(true);
    expect(error).to.be.instanceOf(Error);
    expect(error.status).to.equal(0);
    expect(error.attempts).to.equal(2);
    expect(error.message).to.match(
      /no response from http:\/\/127\.0\.0\.1:9\/containerregistries \(timeout\) after 2 attempts/,
    );
  });

  it("gives up after maxAttempts and names operation, route, status and API message", async () => {
    const fetch = sinon
      .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
      .callsFake(async () => apiError(503, "maintenance"));
    const error = await client(fetch)
      .send(GET)
      .catch((e) => e);
    expect(fetch.callCount).to.equal(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(error.message).to.equal(
      `IONOS API registriesTokensGet (GET /registries/r/tokens) failed with HTTP 503 after ${DEFAULT_RETRY_POLICY.maxAttempts} attempts: maintenance (x)`,
    );
  });

  it("names every message of the API's error body", async () => {
    const body = {
      httpStatus: 400,
      messages: [
        { errorCode: "E1", message: "name is invalid" },
        { errorCode: "E2", message: "scopes[0].type is invalid" },
      ],
    };
    const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().resolves(json(400, body));
    const error = await client(fetch)
      .send(GET)
      .catch((e) => e);
    expect(error.message).to.match(/HTTP 400: name is invalid \(E1\); scopes\[0\]\.type is invalid \(E2\)$/);
  });

  for (const [what, body] of [
    ["a number as message", { messages: [{ message: 42 }] }],
    [
      "an object as message and a number as errorCode",
      { messages: [{ errorCode: 7, message: { text: "no" } }] },
    ],
    ["a string as the message list", { messages: "broken" }],
    ["null entries", { messages: [null, 3, "x", { message: "kept" }] }],
    ["a JSON number as the whole body", 5],
    ["JSON null as the whole body", null],
  ] as const) {
    it(`turns an error body with ${what} into a clear IonosApiError (a POST stays ambiguous)`, async () => {
      const fetch = sinon.stub<Parameters<FetchLike>, ReturnType<FetchLike>>().resolves(json(500, body));
      const error = await client(fetch)
        .send(POST)
        .catch((e) => e);
      expect(isIonosApiError(error), String(error)).to.equal(true);
      expect(error.message).to.match(
        /^IONOS API registriesTokensPost \(POST \/registries\/r\/tokens\) failed with HTTP 500/,
      );
      expect(error.message).to.not.match(/\[object |undefined/);
      expect(error.ambiguous).to.equal(true);
    });
  }

  it("does not retry 4xx other than 429", async () => {
    const fetch = sinon
      .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
      .resolves(apiError(400, "name is invalid"));
    const error = await client(fetch)
      .send(GET)
      .catch((e) => e);
    expect(fetch.callCount).to.equal(1);
    expect(error.status).to.equal(400);
    expect(error.messages).to.deep.equal([{ errorCode: "x", message: "name is invalid" }]);
  });

  it("redacts credentials echoed by the API from error messages", async () => {
    const fetch = sinon
      .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
      .resolves(apiError(401, `bad header ${SECRET}`));
    const error = await client(fetch)
      .send(GET)
      .catch((e) => e);
    expect(error.message).to.not.include("super-secret-token-value");
    expect(JSON.stringify(error)).to.not.include("super-secret-token-value");
    expect(error.message).to.include("[redacted]");
  });

  it("treats an unreadable 2xx body as a lost answer", async () => {
    const fetch = sinon
      .stub<Parameters<FetchLike>, ReturnType<FetchLike>>()
      .callsFake(async () => new Response("{not json", { status: 201 }));
    const error = await client(fetch)
      .send(POST)
      .catch((e) => e);
    expect(error.ambiguous).to.equal(true);
    expect(error.message).to.match(/unreadable response body/);
  });
});
