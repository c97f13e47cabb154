import { expect } from "chai";
import { FaultPlan, type FaultRequest } from "../../emulator/faults/plan";
import { TokenBucket } from "../../emulator/faults/rateLimiter";

const POST: FaultRequest = {
  method: "POST",
  path: "/containerregistries/registries/x/tokens",
  operation: "registriesTokensPost",
};
const GET: FaultRequest = {
  method: "GET",
  path: "/containerregistries/registries",
  operation: "registriesGet",
};

describe("emulator: fault plan decisions (no network)", () => {
  it("matches on methods, operations and path prefixes", () => {
    const plan = new FaultPlan({
      rules: [
        { match: { operation: ["registriesGet"] }, action: { type: "status", status: 502 } },
        {
          match: { methods: ["post"], path: "/containerregistries/registries/*" },
          action: { type: "reset" },
        },
      ],
    });
    expect(plan.decide(GET).outcome).to.deep.equal({ kind: "status", status: 502, fault: "status" });
    expect(plan.decide(POST).outcome).to.deep.equal({ kind: "reset" });
    expect(plan.decide({ ...POST, method: "PUT" }).outcome).to.deep.equal({ kind: "none" });
  });

  it("counts skip and times per rule, and the first terminal rule wins", () => {
    const plan = new FaultPlan({
      rules: [
        { action: { type: "commitThenReset" }, skip: 1, times: 1 },
        { action: { type: "commitThenStatus" }, times: 2 },
      ],
    });
    const kinds = Array.from({ length: 5 }, () => plan.decide(GET).outcome.kind);
    expect(kinds).to.deep.equal(["commitThenStatus", "commitThenReset", "commitThenStatus", "none", "none"]);
  });

  it("sums latency and delay actions", () => {
    const plan = new FaultPlan({
      latency: { fixedMs: 10 },
      rules: [{ action: { type: "delay", ms: 5 } }, { action: { type: "delay", ms: 7 } }],
    });
    expect(plan.decide(GET)).to.deep.equal({ delayMs: 22, outcome: { kind: "none" } });
  });

  it("is deterministic per seed for rate rules and jitter", () => {
    const opts = {
      seed: 5,
      latency: { jitterMs: 100 },
      rules: [{ action: { type: "reset" as const }, rate: 0.3 }],
    };
    const plan = new FaultPlan(opts);
    const seq = Array.from({ length: 50 }, () => JSON.stringify(plan.decide(GET)));
    const again = new FaultPlan(opts);
    expect(Array.from({ length: 50 }, () => JSON.stringify(again.decide(GET)))).to.deep.equal(seq);
    expect(new Set(seq).size).to.be.greaterThan(10);
    const resets = seq.filter((d) => d.includes("reset")).length;
    expect(resets).to.be.within(5, 25);
  });

  it("refills the token bucket at the configured rate", () => {
    let now = 0;
    const bucket = new TokenBucket(2, 2, () => now);
    expect(bucket.take().allowed).to.equal(true);
    expect(bucket.take().allowed).to.equal(true);
    expect(bucket.take()).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    now += 500;
    expect(bucket.take().allowed).to.equal(true);
    expect(bucket.take().allowed).to.equal(false);
    const slow = new TokenBucket(0.1, 1, () => now);
    slow.take();
    expect(slow.take()).to.deep.equal({ allowed: false, retryAfterSeconds: 10 });
  });
});
