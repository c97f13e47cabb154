import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { isIonosApiError } from "../../provider/client/errors";
import { HttpClient } from "../../provider/client/http";
import { DEFAULT_RETRY_POLICY } from "../../provider/client/retry";
import { TokensApi } from "../../provider/client/tokens";
import { createToken } from "../../provider/lifecycle/creation";
import { pullTokenInputs } from "../support/fixtures";

const API_TOKEN = "integration-api-token";

/** The provider's client, in process, against the emulator over loopback HTTP. */
describe("API client and create recovery against the emulator (in-process)", function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let registryId: string;
  let api: TokensApi;
  let http: HttpClient;

  const inputs = (name: string) => pullTokenInputs(registryId, name);
  const log = () => emulator.requests().map((r) => `${r.method} ${r.status}`);
  const tokensNamed = (name: string) =>
    emulator.admin.listTokens(registryId).filter((t) => t.properties.name === name);

  before(async () => {
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "main" }] });
    registryId = emulator.registries[0].id;
    http = new HttpClient({
      baseUrl: emulator.url,
      authorization: `Bearer ${API_TOKEN}`,
      userAgent: "ionos-registry-token/test",
      timeoutMs: 500,
      retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 5_000 },
      secrets: [API_TOKEN],
    });
    api = new TokensApi(http);
  });
  after(async () => {
    http?.close();
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.setFaults({});
    emulator.clearRequests();
  });

  it("follows pagination to the end", async () => {
    for (let i = 0; i < 230; i++) await api.create(registryId, { name: `bulk-${i}` });
    emulator.clearRequests();
    const all = await api.list(registryId);
    expect(all.filter((t) => t.properties.name.startsWith("bulk-"))).to.have.length(230);
    expect(emulator.requests().map((r) => r.path.split("?")[0])).to.have.length(3);
    for (const t of all.filter((t) => t.properties.name.startsWith("bulk-")))
      await api.delete(registryId, t.id);
  });

  it("retries an idempotent request through 503s", async () => {
    const created = await api.create(registryId, { name: "retry-get" });
    emulator.clearRequests();
    emulator.setFaults({
      rules: [{ match: { methods: ["GET"] }, action: { type: "status", status: 503 }, times: 2 }],
    });
    const token = await api.get(registryId, created.id);
    expect(token.properties.name).to.equal("retry-get");
    expect(log()).to.deep.equal(["GET 503", "GET 503", "GET 200"]);
  });

  it("retries POST on 429, honouring Retry-After", async () => {
    emulator.setFaults({
      rules: [
        { match: { methods: ["POST"] }, action: { type: "status", status: 429, retryAfter: 1 }, times: 1 },
      ],
    });
    const started = Date.now();
    const token = await api.create(registryId, { name: "after-429" });
    expect(Date.now() - started).to.be.at.least(900);
    expect(token.properties.credentials.password).to.not.equal("");
    expect(log()).to.deep.equal(["POST 429", "POST 201"]);
  });

  it("does not retry POST on 503 and reports it", async () => {
    emulator.setFaults({
      rules: [{ match: { methods: ["POST"] }, action: { type: "status", status: 503 } }],
    });
    const error = await api.create(registryId, { name: "never" }).catch((e) => e);
    expect(isIonosApiError(error)).to.equal(true);
    expect(error.message).to.match(
      /registriesTokensPost \(POST \/registries\/.+\/tokens\) failed with HTTP 503/,
    );
    expect(log()).to.deep.equal(["POST 503"]);
  });

  it("times out a slow request and says so", async () => {
    emulator.setFaults({ latency: { fixedMs: 800, match: { methods: ["GET"] } } });
    const error = await api.list(registryId).catch((e) => e);
    expect(error.message).to.match(
      /no response from http:\/\/127\.0\.0\.1:\d+\/containerregistries \(timeout\)/,
    );
  });

  for (const action of [
    { type: "commitThenReset" },
    { type: "commitThenStatus", status: 500 },
    { type: "commitThenStatus", status: 504 },
  ] as const) {
    it(`recovers a create whose answer was lost (${action.type} ${"status" in action ? action.status : ""}): no orphan, a password`, async () => {
      const name = `lost-${action.type}-${"status" in action ? action.status : "x"}`.toLowerCase();
      emulator.setFaults({ rules: [{ match: { methods: ["POST"] }, action, times: 1 }] });
      // A generated name (namePrefix set): the only kind of token recovery may prove is its own.
      const { id, outs } = await createToken(api, { ...inputs(name), namePrefix: "lost" });
      expect(outs.password).to.be.a("string").and.not.equal("");
      const live = tokensNamed(name);
      expect(live.map((t) => t.id)).to.deep.equal([outs.tokenId]);
      expect(id).to.equal(`${registryId}/${outs.tokenId}`);
      const writes = emulator.requests().filter((r) => r.method !== "GET");
      expect(writes.map((r) => r.method)).to.deep.equal(["POST", "DELETE", "POST"]);
    });
  }

  it("two stacks, one chosen name: a create whose POST failed never deletes the other stack's token", async () => {
    // Stack B creates "shared-name" while stack A's POST of the same name and properties is answered 503
    // (nothing created). A's recovery finds B's token: recent and identical, but not provably A's.
    const theirs = await createToken(api, inputs("shared-name"));
    emulator.clearRequests();
    emulator.setFaults({
      rules: [{ match: { methods: ["POST"] }, action: { type: "status", status: 503 }, times: 1 }],
    });
    const error = await createToken(api, inputs("shared-name")).catch((e) => e);
    expect(error.message).to.include(`: ${theirs.outs.tokenId} (created `);
    expect(error.message).to.match(/left alone/);
    expect(tokensNamed("shared-name").map((t) => t.id)).to.deep.equal([theirs.outs.tokenId]);
    expect(emulator.requests().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 503", "GET 200"]);
  });

  it("retries a create reset before the server acted, without deleting anything", async () => {
    emulator.setFaults({ rules: [{ match: { methods: ["POST"] }, action: { type: "reset" }, times: 1 }] });
    const { outs } = await createToken(api, inputs("reset-before"));
    expect(tokensNamed("reset-before").map((t) => t.id)).to.deep.equal([outs.tokenId]);
    expect(emulator.requests().filter((r) => r.method === "DELETE")).to.deep.equal([]);
  });

  it("finds a token by name as the registry compares names: exact first, else differing only in case", async () => {
    const cased = await api.create(registryId, { name: "Case-Only" });
    expect((await api.findByName(registryId, "case-only"))?.id).to.equal(cased.id);
    expect((await api.findByName(registryId, "Case-Only"))?.id).to.equal(cased.id);
    expect(await api.findByName(registryId, "case-onl")).to.equal(undefined);
    await api.delete(registryId, cased.id);
  });

  it("reports a plain 409 as a name conflict", async () => {
    const existing = await api.create(registryId, { name: "taken" });
    const error = await createToken(api, inputs("taken")).catch((e) => e);
    // The token holding the name is named, with its creation date.
    expect(error.message).to.include(`A token named "taken" (${existing.id}) already exists`);
    expect(error.message).to.include(
      `(created ${existing.metadata?.createdDate}; names are unique per registry)`,
    );
    expect(tokensNamed("taken").map((t) => t.id)).to.deep.equal([existing.id]);
  });

  it("never deletes a same-named token that existed before a create whose answer was lost", async () => {
    // A second emulator whose clock we shift: the old token is created an hour "ago".
    let offsetMs = -3600_000;
    const shifted = await startEmulator({
      clock: () => new Date(Date.now() + offsetMs),
      registries: [{ name: "clocked" }],
    });
    const client = new HttpClient({
      baseUrl: shifted.url,
      authorization: "Bearer anything",
      userAgent: "test",
      timeoutMs: 500,
      retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 10 },
      secrets: [],
    });
    try {
      const shiftedApi = new TokensApi(client);
      const id = shifted.registries[0].id;
      const existing = await shiftedApi.create(id, { name: "old-token" });
      offsetMs = 0;
      shifted.setFaults({ rules: [{ match: { methods: ["POST"] }, action: { type: "reset" }, times: 1 }] });
      const error = await createToken(shiftedApi, { ...inputs("old-token"), registryId: id }).catch((e) => e);
      expect(error.message).to.match(/already exists/);
      expect(shifted.admin.listTokens(id).map((t) => t.id)).to.deep.equal([existing.id]);
      expect(shifted.requests().filter((r) => r.method === "DELETE")).to.deep.equal([]);
    } finally {
      client.close();
      await shifted.close();
    }
  });
});
