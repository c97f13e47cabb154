import { expect } from "chai";
import { tokensPath } from "../support/emulatorClient";
import { stateOf, useEmulator } from "../support/emulatorFixture";

const FREE_ID = "0f3c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

describe("emulator: registries", () => {
  const f = useEmulator();

  it("creates a registry: 201, Location, Running, RegistryResponse shape", async () => {
    const res = await f.api.post("/registries", {
      properties: {
        name: "my-registry",
        location: "de/txl",
        garbageCollectionSchedule: { days: ["Monday", "Friday"], time: "01:23:00" },
        features: { vulnerabilityScanning: { enabled: false } },
        apiSubnetAllowList: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"],
      },
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.headers.get("location")).to.equal(`${f.emu.url}/registries/${res.json.id}`);
    expect(res.json).to.include({ type: "registry", href: "" });
    expect(res.json.metadata).to.include({ state: "Running", createdDate: "2030-01-01T00:00:00Z" });
    expect(res.json.properties).to.deep.equal({
      name: "my-registry",
      location: "de/txl",
      hostname: "my-registry.cr.ionos.com",
      garbageCollectionSchedule: { days: ["Monday", "Friday"], time: "01:23:00+00:00" },
      storageUsage: { bytes: 0, updatedAt: null },
      features: { vulnerabilityScanning: { enabled: false } },
      apiSubnetAllowList: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"],
    });
    const one = await f.api.get(`/registries/${res.json.id}`);
    expect(one.status).to.equal(200);
    expect(one.json).to.deep.equal(res.json);
  });

  it("answers 409 for a taken name", async () => {
    const res = await f.api.post("/registries", { properties: { name: "registry-one", location: "de/fra" } });
    expect(res.status).to.equal(409);
    expect(res.json.messages[0].message).to.include("registry-one");
  });

  const bad: Array<[Record<string, unknown>, string]> = [
    [{ location: "de/fra" }, "properties.name"],
    [{ name: "Upper-Case", location: "de/fra" }, "properties.name"],
    [{ name: "ab", location: "de/fra" }, "properties.name"],
    [{ name: "ok-name" }, "properties.location"],
    [{ name: "ok-name", location: "Frankfurt" }, "properties.location"],
    [{ name: "ok-name", location: "de/fra", extra: 1 }, "properties.extra"],
    [
      {
        name: "ok-name",
        location: "de/fra",
        garbageCollectionSchedule: { days: ["Funday"], time: "01:00:00" },
      },
      "properties.garbageCollectionSchedule.days[0]",
    ],
    [
      { name: "ok-name", location: "de/fra", garbageCollectionSchedule: { days: [], time: "25:00:00" } },
      "properties.garbageCollectionSchedule.time",
    ],
    [
      { name: "ok-name", location: "de/fra", features: { vulnerabilityScanning: { enabled: "yes" } } },
      "properties.features.vulnerabilityScanning.enabled",
    ],
    [
      { name: "ok-name", location: "de/fra", apiSubnetAllowList: ["10.0.0.0/33"] },
      "properties.apiSubnetAllowList[0]",
    ],
    [
      { name: "ok-name", location: "de/fra", apiSubnetAllowList: Array(26).fill("10.0.0.1") },
      "properties.apiSubnetAllowList",
    ],
  ];
  for (const [properties, field] of bad) {
    it(`answers 400 naming ${field}`, async () => {
      const before = stateOf(f.emu);
      const res = await f.api.post("/registries", { properties });
      expect(res.status, res.text).to.equal(400);
      expect(res.json.messages[0].message.startsWith(`${field}:`), res.json.messages[0].message).to.be.true;
      expect(stateOf(f.emu)).to.deep.equal(before);
    });
  }

  it("lists registries with the current API's pagination (pagination.token)", async () => {
    for (const name of ["reg-a", "reg-b", "reg-c"]) {
      await f.api.post("/registries", { properties: { name, location: "de/fra" } });
    }
    const all = await f.api.get("/registries");
    expect(all.status).to.equal(200);
    expect(all.json.items.map((r: { properties: { name: string } }) => r.properties.name)).to.deep.equal([
      "registry-one",
      "registry-two",
      "reg-a",
      "reg-b",
      "reg-c",
    ]);
    expect(all.json.pagination).to.deep.equal({ limit: 100, token: "" });
    const page1 = await f.api.get("/registries?limit=2");
    expect(page1.json.items).to.have.length(2);
    expect(page1.json.pagination.token).to.be.a("string").and.not.equal("");
    expect(page1.json._links.next).to.include("pagination.token=");
    const page2 = await f.api.get(`/registries?limit=2&pagination.token=${page1.json.pagination.token}`);
    expect(page2.json.items.map((r: { properties: { name: string } }) => r.properties.name)).to.deep.equal([
      "reg-a",
      "reg-b",
    ]);
    expect(page2.json._links.previous).to.not.equal("");
    const legacy = await f.api.get(`/registries?limit=2&nextPageToken=${page1.json.pagination.token}`);
    expect(legacy.json.items).to.deep.equal(page2.json.items);
    const last = await f.api.get(`/registries?limit=2&pagination.token=${page2.json.pagination.token}`);
    expect(last.json.items).to.have.length(1);
    expect(last.json.pagination.token).to.equal("");
    expect(last.json._links.next).to.equal("");
  });

  it("filters by name and rejects bad list parameters", async () => {
    const filtered = await f.api.get("/registries?filter.name=two");
    expect(filtered.json.items.map((r: { id: string }) => r.id)).to.deep.equal([f.otherRegistryId]);
    expect((await f.api.get("/registries?pagination.token=garbage")).status).to.equal(400);
    expect((await f.api.get("/registries?limit=-2")).status).to.equal(400);
  });

  it("deletes a registry with its tokens: 204, then 404 everywhere", async () => {
    const token = (await f.api.createToken(f.registryId, { name: "goes-too" })).json;
    await f.api.createToken(f.otherRegistryId, { name: "stays" });
    const res = await f.api.delete(`/registries/${f.registryId}`);
    expect(res.status).to.equal(204);
    expect(res.text).to.equal("");
    expect((await f.api.get(`/registries/${f.registryId}`)).status).to.equal(404);
    expect((await f.api.get(tokensPath(f.registryId, token.id))).status).to.equal(404);
    expect((await f.api.delete(`/registries/${f.registryId}`)).status).to.equal(404);
    expect(f.emu.admin.listTokens(f.otherRegistryId)).to.have.length(1);
    expect(
      (await f.api.put(tokensPath(f.otherRegistryId, token.id), { properties: { name: "reborn" } })).status,
    ).to.equal(201);
  });

  it("answers 404 for an unknown registry id and 405 for registry PUT/PATCH", async () => {
    expect((await f.api.get(`/registries/${FREE_ID}`)).status).to.equal(404);
    const put = await f.api.put(`/registries/${f.registryId}`, {
      properties: { name: "x", location: "de/fra" },
    });
    expect(put.status).to.equal(405);
    expect(put.headers.get("allow")).to.equal("GET, DELETE");
  });

  it("lists locations and checks name usage (HEAD /names/{name})", async () => {
    const locations = await f.api.get("/locations");
    expect(locations.status).to.equal(200);
    expect(locations.json.items).to.deep.include({ id: "de/fra" });
    expect((await f.api.request("HEAD", "/names/registry-one")).status).to.equal(200);
    expect((await f.api.request("HEAD", "/names/free-name")).status).to.equal(404);
    expect((await f.api.request("HEAD", "/names/Bad_Name")).status).to.equal(400);
  });
});
