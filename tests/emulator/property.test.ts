import { expect } from "chai";
import fc from "fast-check";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { basicAuth, DEFAULT_AUTH, EmulatorApi } from "../support/emulatorClient";
import { stateOf, TestClock } from "../support/emulatorFixture";

/**
 * Random requests (methods, paths, queries, bodies, content types, credentials) against one emulator.
 * Without injected faults it must never answer 5xx, never crash, always answer errors with an
 * ApiErrorResponse, and never change state on a rejected request.
 */
describe("emulator: property — random requests never break it", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let api: EmulatorApi;
  const internalErrors: unknown[] = [];
  let ids: string[] = [];

  before(async () => {
    emu = await startEmulator({
      clock: new TestClock().fn,
      registries: [{ name: "prop-one" }, { name: "prop-two" }],
      onError: (err) => internalErrors.push(err),
    });
    api = new EmulatorApi(emu.url);
    const registryId = emu.registries[0]?.id as string;
    const token = await api.createToken(registryId, { name: "seed-token" });
    ids = [registryId, emu.registries[1]?.id as string, token.json.id as string];
  });
  after(async () => emu?.close());

  const name = fc.oneof(fc.stringMatching(/^[A-Za-z][-a-z0-9]{0,8}[a-z0-9]$/), fc.string({ maxLength: 8 }));
  const scope = fc.record(
    {
      name: fc.oneof(fc.constant("*"), fc.string({ maxLength: 5 })),
      type: fc.constantFrom("repository", "registry", "other", 3),
      actions: fc.oneof(
        fc.subarray(["pull", "push", "delete"]),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
      ),
    },
    { requiredKeys: [] },
  );
  const fields = {
    status: fc.constantFrom("enabled", "disabled", "ENABLED", null, 1),
    expiryDate: fc.constantFrom(null, "2031-01-01T00:00:00Z", "1999-01-01T00:00:00Z", "soon", 5),
    scopes: fc.oneof(fc.constant(null), fc.array(scope, { maxLength: 2 }), fc.string({ maxLength: 3 })),
  };
  const tokenProperties = fc.record({ name, ...fields }, { requiredKeys: [] });
  const body = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.record({ properties: tokenProperties }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.record(fields, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc
      .record({ properties: fc.record({ name, location: fc.constantFrom("de/fra", "mars") }) })
      .map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 20 }),
  );
  const segment = fc.oneof(
    fc.constantFrom("registries", "tokens", "names", "locations", "", "..", "%2F", "%zz"),
    fc.integer({ min: 0, max: 2 }).map((i) => ids[i] as string),
    fc.uuid(),
    fc.webSegment(),
  );
  // Mostly real route shapes (with real, random or malformed ids), sometimes anything at all.
  const param = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 2 }).map((i) => ids[i] as string) },
    { weight: 1, arbitrary: segment },
  );
  // Real method + route pairs (deleting a registry is left to the random mix, so the rest stays reachable).
  const ROUTES: Array<[string, string]> = [
    ["GET", "/registries"],
    ["POST", "/registries"],
    ["GET", "/registries/{p}"],
    ["GET", "/registries/{p}/tokens"],
    ["POST", "/registries/{p}/tokens"],
    ["GET", "/registries/{p}/tokens/{p}"],
    ["PATCH", "/registries/{p}/tokens/{p}"],
    ["PUT", "/registries/{p}/tokens/{p}"],
    ["DELETE", "/registries/{p}/tokens/{p}"],
    ["GET", "/locations"],
    ["HEAD", "/names/{p}"],
  ];
  const routed = fc
    .tuple(fc.constantFrom(...ROUTES), param, param)
    .map(([[method, template], a, b]) => ({ method, path: template.replace("{p}", a).replace("{p}", b) }));
  const anything = fc.record({
    method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
    path: fc.oneof(
      routed.map((r) => r.path),
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join("/")}`),
    ),
  });
  const target = fc.oneof({ weight: 4, arbitrary: routed }, { weight: 1, arbitrary: anything });
  const request = fc.record({
    target,
    query: fc.oneof(
      fc.constant(""),
      fc.webQueryParameters().map((q) => `?${q}`),
      fc.constantFrom("?limit=-1", "?offset=x&limit=0"),
    ),
    body,
    contentType: fc.oneof(
      { weight: 4, arbitrary: fc.constant("application/json") },
      { weight: 1, arbitrary: fc.constantFrom("application/json; charset=utf-8", "text/plain", null) },
    ),
    auth: fc.oneof(
      { weight: 5, arbitrary: fc.constant(DEFAULT_AUTH) },
      { weight: 1, arbitrary: fc.constantFrom(null, "Basic !!", basicAuth("a", "b"), "Bearer t") },
    ),
  });

  it("answers every random request with < 500, an ApiErrorResponse on errors, and no change when rejected", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = stateOf(emu);
        const { method, path } = r.target;
        const hasBody = r.body !== undefined && method !== "GET" && method !== "HEAD";
        const res = await api.request(method, path + r.query, {
          auth: r.auth,
          ...(hasBody ? { raw: r.body as string, contentType: r.contentType } : {}),
        });
        expect(res.status, `${method} ${path}${r.query} → ${res.text}`).to.be.within(200, 499);
        if (res.status >= 400) {
          expect(stateOf(emu), `${method} ${path} changed state on ${res.status}`).to.deep.equal(before);
          if (method !== "HEAD") {
            expect(res.json?.httpStatus).to.equal(res.status);
            expect(res.json?.messages?.[0]?.errorCode).to.be.a("string");
          }
        }
        if (method === "GET" || method === "HEAD") expect(stateOf(emu)).to.deep.equal(before);
      }),
      { numRuns: 200, seed: 20301, endOnFailure: true },
    );
    expect(internalErrors).to.deep.equal([]);
    expect((await api.get("/registries")).status).to.equal(200);
  });
});
