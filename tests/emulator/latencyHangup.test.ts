import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";

/** A client that gives up while the emulator's injected latency holds its request. */
describe("emulator: a write held by injected latency lands even when the client has given up", () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({
      registries: [{ name: "slow" }],
      faults: { latency: { fixedMs: 300, match: { methods: ["POST"] } } },
    });
  });
  after(() => emulator.close());

  it("applies the POST after the wait and logs it", async () => {
    const registryId = emulator.registries[0].id;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const attempt = fetch(`${emulator.url}/registries/${registryId}/tokens`, {
      method: "POST",
      headers: { Authorization: "Bearer x", "Content-Type": "application/json" },
      body: JSON.stringify({ properties: { name: "late-write" } }),
      signal: controller.signal,
    });
    const outcome = await attempt.then(
      () => "answered",
      (e: Error) => e.name,
    );
    expect(outcome).to.equal("AbortError");
    expect(emulator.admin.listTokens(registryId)).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emulator.admin.listTokens(registryId).map((t) => t.properties.name)).to.deep.equal(["late-write"]);
    expect(emulator.requests().map((r) => `${r.method} ${r.operation}`)).to.deep.equal([
      "POST registriesTokensPost",
    ]);
  });
});
