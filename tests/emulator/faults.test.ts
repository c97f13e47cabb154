import { expect } from "chai";
import { startEmulator, type FaultOptions, type RunningEmulator } from "../../emulator";
import { EmulatorApi, tokensPath, type ApiResponse } from "../support/emulatorClient";
import { stateOf, useEmulator } from "../support/emulatorFixture";

/** Runs `request`, expecting the connection to be dropped; returns the fetch error. */
async function expectReset(request: Promise<ApiResponse>): Promise<void> {
  let failure: unknown;
  await request.then(
    (res) => expect.fail(`expected a dropped connection, got ${res.status}`),
    (err: unknown) => (failure = err),
  );
  expect(String((failure as Error).cause ?? failure)).to.match(/ECONNRESET|socket|closed|terminated/i);
}

describe("emulator: fault injection", () => {
  const f = useEmulator();
  const TOKEN_OPS = { create: "registriesTokensPost", read: "registriesTokensFindById" } as const;

  it("adds fixed latency only to matching requests", async () => {
    f.emu.setFaults({ latency: { fixedMs: 120, match: { methods: ["post"] } } });
    let start = performance.now();
    await f.api.createToken(f.registryId, { name: "slow" });
    expect(performance.now() - start).to.be.at.least(115);
    start = performance.now();
    await f.api.get(tokensPath(f.registryId));
    expect(performance.now() - start).to.be.below(100);
    const post = f.emu.requests().find((r) => r.method === "POST");
    expect(post?.durationMs).to.be.at.least(115);
  });

  it("adds jitter within [fixed, fixed + jitter)", async () => {
    f.emu.setFaults({ latency: { fixedMs: 20, jitterMs: 40 }, seed: 3 });
    for (let i = 0; i < 4; i++) await f.api.get("/registries");
    for (const entry of f.emu.requests()) expect(entry.durationMs).to.be.within(19, 90);
  });

  it("rate-limits with 429 and an integer Retry-After, without handling the request", async () => {
    f.emu.setFaults({ rateLimit: { requestsPerSecond: 1 } });
    expect((await f.api.createToken(f.registryId, { name: "first" })).status).to.equal(201);
    const limited = await f.api.createToken(f.registryId, { name: "second" });
    expect(limited.status).to.equal(429);
    expect(limited.headers.get("retry-after")).to.equal("1");
    expect(limited.json).to.deep.equal({
      httpStatus: 429,
      messages: [{ errorCode: "TOO_MANY_REQUESTS", message: "rate limit exceeded" }],
    });
    expect(f.emu.admin.listTokens(f.registryId).map((t) => t.properties.name)).to.deep.equal(["first"]);
    expect(f.emu.requests().at(-1)).to.include({ status: 429, fault: "rateLimit" });
  });

  it("uses the configured Retry-After and burst", async () => {
    f.emu.setFaults({ rateLimit: { requestsPerSecond: 0.1, burst: 2, retryAfterSeconds: 30 } });
    expect((await f.api.get("/registries")).status).to.equal(200);
    expect((await f.api.get("/registries")).status).to.equal(200);
    const limited = await f.api.get("/registries");
    expect(limited.status).to.equal(429);
    expect(limited.headers.get("retry-after")).to.equal("30");
  });

  it("answers a status for the next N matching requests only", async () => {
    f.emu.setFaults({
      rules: [{ match: { operation: TOKEN_OPS.create }, action: { type: "status", status: 503 }, times: 2 }],
    });
    expect((await f.api.get(tokensPath(f.registryId))).status).to.equal(200);
    const failed = await f.api.createToken(f.registryId, { name: "n1" });
    expect(failed.status).to.equal(503);
    expect(failed.json.httpStatus).to.equal(503);
    expect(failed.headers.get("retry-after")).to.equal(null);
    expect((await f.api.createToken(f.registryId, { name: "n1" })).status).to.equal(503);
    expect((await f.api.createToken(f.registryId, { name: "n1" })).status).to.equal(201);
    expect(f.emu.admin.listTokens(f.registryId)).to.have.length(1);
  });

  it("skips the first matches when asked (fail only the 2nd DELETE)", async () => {
    const a = (await f.api.createToken(f.registryId, { name: "del-a" })).json;
    const b = (await f.api.createToken(f.registryId, { name: "del-b" })).json;
    f.emu.setFaults({
      rules: [{ match: { methods: ["DELETE"] }, action: { type: "status", status: 500 }, skip: 1, times: 1 }],
    });
    expect((await f.api.delete(tokensPath(f.registryId, a.id))).status).to.equal(204);
    expect((await f.api.delete(tokensPath(f.registryId, b.id))).status).to.equal(500);
    expect((await f.api.delete(tokensPath(f.registryId, b.id))).status).to.equal(204);
  });

  it("sends 429 with Retry-After 1 by default, a given value, or none when null", async () => {
    const status429 = (retryAfter?: number | null): FaultOptions => ({
      rules: [
        {
          action: { type: "status", status: 429, ...(retryAfter === undefined ? {} : { retryAfter }) },
          times: 1,
        },
      ],
    });
    f.emu.setFaults(status429());
    expect((await f.api.get("/registries")).headers.get("retry-after")).to.equal("1");
    f.emu.setFaults(status429(7));
    expect((await f.api.get("/registries")).headers.get("retry-after")).to.equal("7");
    f.emu.setFaults(status429(null));
    const bare = await f.api.get("/registries");
    expect(bare.status).to.equal(429);
    expect(bare.headers.get("retry-after")).to.equal(null);
  });

  it("fails at a seeded rate, repeating the same sequence for the same seed", async () => {
    const plan: FaultOptions = { seed: 42, rules: [{ action: { type: "status", status: 502 }, rate: 0.5 }] };
    const run = async (api: EmulatorApi): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await api.get("/registries")).status);
      return statuses;
    };
    f.emu.setFaults(plan);
    const first = await run(f.api);
    f.emu.setFaults(plan); // a new plan restarts the random sequence
    const second = await run(f.api);
    expect(second).to.deep.equal(first);
    const failures = first.filter((s) => s === 502).length;
    expect(failures).to.be.within(6, 24);
    f.emu.setFaults({ ...plan, seed: 43 });
    expect(await run(f.api)).to.not.deep.equal(first);
  });

  it("resets the connection before acting: nothing changes, the log says status 0", async () => {
    f.emu.setFaults({ rules: [{ action: { type: "reset" }, times: 1 }] });
    await expectReset(f.api.createToken(f.registryId, { name: "never" }));
    expect(f.emu.admin.listTokens(f.registryId)).to.deep.equal([]);
    expect(f.emu.requests().at(-1)).to.include({ status: 0, fault: "reset", operation: TOKEN_OPS.create });
    expect((await f.api.createToken(f.registryId, { name: "never" })).status).to.equal(201);
  });

  it("adds a delay action and keeps evaluating later rules", async () => {
    f.emu.setFaults({
      rules: [
        { action: { type: "delay", ms: 80 } },
        {
          match: { path: `/containerregistries/registries/${f.registryId}*` },
          action: { type: "status", status: 504 },
        },
      ],
    });
    const start = performance.now();
    expect((await f.api.get(tokensPath(f.registryId))).status).to.equal(504);
    expect(performance.now() - start).to.be.at.least(75);
    expect((await f.api.get(tokensPath(f.otherRegistryId))).status).to.equal(200);
  });

  it("a request waiting out a delay when the emulator closes is dropped: nothing is written later", async () => {
    const emulator = await startEmulator({
      registries: [{ name: "closing" }],
      faults: { rules: [{ match: { methods: ["POST"] }, action: { type: "delay", ms: 300 } }] },
    });
    const registryId = emulator.registries[0].id;
    const waiting = new EmulatorApi(emulator.url).createToken(registryId, { name: "too-late" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emulator.close();
    await expectReset(waiting);
    // Well past the delay: a write that went on after close would show in the (still readable) model.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emulator.admin.listTokens(registryId)).to.deep.equal([]);
  });

  describe("commit-then-fail: the write happens, the answer says it did not", () => {
    it("POST answered 500 still creates the token", async () => {
      f.emu.setFaults({
        rules: [{ match: { operation: TOKEN_OPS.create }, action: { type: "commitThenStatus" }, times: 1 }],
      });
      const res = await f.api.createToken(f.registryId, { name: "ghost" });
      expect(res.status).to.equal(500);
      expect(res.text).to.not.include("password");
      expect(f.emu.admin.listTokens(f.registryId).map((t) => t.properties.name)).to.deep.equal(["ghost"]);
      expect((await f.api.createToken(f.registryId, { name: "ghost" })).status).to.equal(409);
      expect(f.emu.requests().find((r) => r.status === 500)).to.include({ fault: "commitThenStatus" });
    });

    it("POST with a dropped connection still creates the token", async () => {
      f.emu.setFaults({ rules: [{ action: { type: "commitThenReset" }, times: 1 }] });
      await expectReset(f.api.createToken(f.registryId, { name: "ghost2" }));
      expect(f.emu.admin.listTokens(f.registryId)).to.have.length(1);
      expect(f.emu.requests().at(-1)).to.include({ status: 0, fault: "commitThenReset" });
    });

    it("uses the given status, with Retry-After when it is 429", async () => {
      f.emu.setFaults({ rules: [{ action: { type: "commitThenStatus", status: 504 }, times: 1 }] });
      expect((await f.api.createToken(f.registryId, { name: "g504" })).status).to.equal(504);
      f.emu.setFaults({ rules: [{ action: { type: "commitThenStatus", status: 429 }, times: 1 }] });
      const limited = await f.api.createToken(f.registryId, { name: "g429" });
      expect(limited.status).to.equal(429);
      expect(limited.headers.get("retry-after")).to.equal("1");
      expect(f.emu.admin.listTokens(f.registryId)).to.have.length(2);
    });
  });

  describe("every token write × every failing fault", () => {
    type Op = "create" | "put" | "update" | "delete";
    const ops: Record<Op, { method: string; run: (id: string) => Promise<ApiResponse> }> = {
      create: { method: "POST", run: () => f.api.createToken(f.registryId, { name: "made" }) },
      put: {
        method: "PUT",
        run: () =>
          f.api.put(tokensPath(f.registryId, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"), {
            properties: { name: "made" },
          }),
      },
      update: {
        method: "PATCH",
        run: (id) => f.api.patch(tokensPath(f.registryId, id), { status: "disabled" }),
      },
      delete: { method: "DELETE", run: (id) => f.api.delete(tokensPath(f.registryId, id)) },
    };
    const faults = {
      status: { action: { type: "status", status: 503 }, commits: false, resets: false },
      reset: { action: { type: "reset" }, commits: false, resets: true },
      commitThenStatus: { action: { type: "commitThenStatus", status: 500 }, commits: true, resets: false },
      commitThenReset: { action: { type: "commitThenReset" }, commits: true, resets: true },
    } as const;
    for (const [opName, op] of Object.entries(ops)) {
      for (const [faultName, fault] of Object.entries(faults)) {
        it(`${opName} × ${faultName}: ${fault.commits ? "applied" : "not applied"}`, async () => {
          const existing = (await f.api.createToken(f.registryId, { name: "existing" })).json;
          const before = stateOf(f.emu);
          f.emu.setFaults({ rules: [{ match: { methods: [op.method] }, action: fault.action, times: 1 }] });
          const attempt = op.run(existing.id);
          if (fault.resets) await expectReset(attempt);
          else expect((await attempt).status).to.equal(fault.action.type === "status" ? 503 : 500);
          if (fault.commits) expect(stateOf(f.emu)).to.not.deep.equal(before);
          else expect(stateOf(f.emu)).to.deep.equal(before);
          const names = f.emu.admin
            .listTokens(f.registryId)
            .map((t) => `${t.properties.name}:${t.properties.status}`);
          const expected: Record<Op, string[]> = {
            create: ["existing:enabled", "made:enabled"],
            put: ["existing:enabled", "made:enabled"],
            update: ["existing:disabled"],
            delete: [],
          };
          if (fault.commits) expect(names).to.deep.equal(expected[opName as Op]);
        });
      }
    }
  });

  describe("plans", () => {
    let other: RunningEmulator | undefined;
    afterEach(async () => other?.close());

    it("can be set at start and cleared at runtime", async () => {
      other = await startEmulator({ faults: { rules: [{ action: { type: "status", status: 500 } }] } });
      const api = new EmulatorApi(other.url);
      expect((await api.get("/registries")).status).to.equal(500);
      other.setFaults({});
      expect((await api.get("/registries")).status).to.equal(200);
    });

    it("rejects invalid plans with a message naming the field, keeping the old plan", async () => {
      const bad: unknown[] = [
        { rules: [{ action: { type: "status", status: 200 } }] },
        { rules: [{ action: { type: "explode" } }] },
        { rules: [{ action: { type: "reset" }, rate: 2 }] },
        { latency: { fixedMs: -1 } },
        { rateLimit: { requestsPerSecond: 0 } },
        { rules: [{ action: { type: "reset" }, match: { method: "GET" } }] },
        { surprise: true },
      ];
      for (const plan of bad)
        expect(() => f.emu.setFaults(plan as FaultOptions), JSON.stringify(plan)).to.throw(/faults\./);
      expect((await f.api.get("/registries")).status).to.equal(200);
    });

    it("does not apply to unauthenticated requests or unknown routes", async () => {
      f.emu.setFaults({ rules: [{ action: { type: "status", status: 503 } }] });
      expect((await f.api.get("/registries", { auth: null })).status).to.equal(401);
      expect((await f.api.get("/nowhere")).status).to.equal(404);
    });
  });
});
