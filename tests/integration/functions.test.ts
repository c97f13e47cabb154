import { expect } from "chai";
import { randomBytes } from "crypto";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { getRegistryToken, getRegistryTokens } from "../../provider";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";

const API_TOKEN = `functions-${randomBytes(12).toString("hex")}`;

describe("getRegistryToken / getRegistryTokens for TypeScript programs, against the emulator", () => {
  let emulator: RunningEmulator;
  const saved = { token: process.env.IONOS_TOKEN, url: process.env.IONOS_API_URL };

  before(async () => {
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "lookups" }] });
    const api = new EmulatorApi(emulator.url, bearerAuth(API_TOKEN));
    for (const name of ["ci-push", "ci-pull", "web-pull"]) {
      const made = await api.request("POST", `/registries/${emulator.registries[0].id}/tokens`, {
        body: { properties: { name, scopes: [] } },
      });
      expect(made.status).to.equal(201);
    }
    // Outside a Pulumi program there is no stack config: the environment, as the resource would read it.
    process.env.IONOS_TOKEN = API_TOKEN;
    process.env.IONOS_API_URL = emulator.url;
  });
  after(async () => {
    for (const [key, value] of [
      ["IONOS_TOKEN", saved.token],
      ["IONOS_API_URL", saved.url],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await emulator?.close();
  });

  it("looks one up by name and by id, with no password", async () => {
    const registryId = emulator.registries[0].id;
    const byName = await getRegistryToken({ registryId, name: "ci-pull" });
    expect(byName.name).to.equal("ci-pull");
    expect(byName).to.not.have.property("password");
    expect((await getRegistryToken({ registryId, tokenId: byName.tokenId })).name).to.equal("ci-pull");
  });

  it("lists by prefix, every page", async () => {
    const { tokens } = await getRegistryTokens({ registryId: emulator.registries[0].id, namePrefix: "ci-" });
    expect(tokens.map((t) => t.name).sort()).to.deep.equal(["ci-pull", "ci-push"]);
    expect(emulator.requests().filter((r) => r.method !== "GET" && r.method !== "POST")).to.deep.equal([]);
  });
});
