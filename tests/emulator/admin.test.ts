import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { tokensPath } from "../support/emulatorClient";
import { useEmulator } from "../support/emulatorFixture";

const SCOPES = [{ name: "app", type: "repository", actions: ["pull"] }];

describe("emulator: out-of-band admin (drift)", () => {
  const f = useEmulator();

  describe("in process", () => {
    it("changes status, scopes and expiry behind the API's back, visible to the next GET", async () => {
      const token = (await f.api.createToken(f.registryId, { name: "drift" })).json;
      f.emu.clearRequests();
      const changed = f.emu.admin.patchToken(f.registryId, token.id, {
        status: "disabled",
        scopes: SCOPES,
        expiryDate: "2031-02-03T04:05:06.7+00:00",
      });
      expect(changed.properties).to.deep.include({
        status: "disabled",
        expiryDate: "2031-02-03T04:05:06Z",
        scopes: SCOPES,
      });
      expect(changed.metadata.lastModifiedBy).to.equal("admin@emulator.local");
      expect(f.emu.requests()).to.deep.equal([]);
      const seen = await f.api.get(tokensPath(f.registryId, token.id));
      expect(seen.json.properties).to.deep.include({
        status: "disabled",
        expiryDate: "2031-02-03T04:05:06Z",
      });
      expect(seen.json.metadata.state).to.equal("disabled");
      f.emu.admin.patchToken(f.registryId, token.id, { expiryDate: null });
      expect(f.emu.admin.getToken(f.registryId, token.id)?.properties.expiryDate).to.equal(null);
    });

    it("lists and deletes tokens, creates and deletes registries", async () => {
      const token = (await f.api.createToken(f.registryId, { name: "listed" })).json;
      const listed = f.emu.admin.listTokens(f.registryId);
      expect(listed.map((t) => t.id)).to.deep.equal([token.id]);
      expect(listed[0]?.properties.credentials.password).to.equal("");
      expect(f.emu.admin.deleteToken(f.registryId, token.id)).to.equal(true);
      expect(f.emu.admin.deleteToken(f.registryId, token.id)).to.equal(false);
      expect((await f.api.get(tokensPath(f.registryId, token.id))).status).to.equal(404);
      const created = f.emu.admin.createRegistry("drift-registry");
      expect((await f.api.get(`/registries/${created.id}`)).json.properties.location).to.equal("de/fra");
      expect(f.emu.admin.deleteRegistry(created.id)).to.equal(true);
      expect(f.emu.admin.deleteRegistry(created.id)).to.equal(false);
    });

    it("validates like the API and throws for unknown targets", () => {
      expect(() => f.emu.admin.createRegistry("Bad Name")).to.throw(/properties.name/);
      expect(() => f.emu.admin.createRegistry("registry-one")).to.throw(/already exists/);
      expect(() =>
        f.emu.admin.patchToken(f.registryId, "11111111-2222-4333-8444-555555555555", { status: "disabled" }),
      ).to.throw(/not found/);
      expect(() => f.emu.admin.listTokens("11111111-2222-4333-8444-555555555555")).to.throw(/not found/);
      expect(f.emu.admin.getToken(f.registryId, "11111111-2222-4333-8444-555555555555")).to.equal(undefined);
    });

    it("rejects invalid admin patches", async () => {
      const token = (await f.api.createToken(f.registryId, { name: "strict" })).json;
      const bad = [
        { status: "paused" },
        { scopes: [{ name: "*", type: "repository", actions: [] }] },
        { expiryDate: "soon" },
        { name: "x" },
      ];
      for (const patch of bad) {
        expect(
          () => f.emu.admin.patchToken(f.registryId, token.id, patch as never),
          JSON.stringify(patch),
        ).to.throw();
      }
      expect(f.emu.admin.getToken(f.registryId, token.id)?.properties.status).to.equal("enabled");
    });
  });

  describe("over HTTP under /_emulator (no API credentials)", () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(f.emu.url.replace("/containerregistries", "/_emulator") + path, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
      });

    it("reads and clears the request log", async () => {
      await f.api.get("/registries");
      const log = (await (await admin("GET", "/requests")).json()) as {
        requests: Array<{ operation: string }>;
      };
      expect(log.requests.map((r) => r.operation)).to.deep.equal(["registriesGet"]);
      expect((await admin("DELETE", "/requests")).status).to.equal(204);
      expect(f.emu.requests()).to.deep.equal([]);
    });

    it("replaces and reads the fault plan, refusing invalid plans", async () => {
      const plan = { rules: [{ action: { type: "status", status: 503 }, times: 1 }] };
      const set = await admin("PUT", "/faults", plan);
      expect(set.status).to.equal(200);
      expect((await f.api.get("/registries")).status).to.equal(503);
      expect((await f.api.get("/registries")).status).to.equal(200);
      const refused = await admin("PUT", "/faults", { rules: [{ action: { type: "nope" } }] });
      expect(refused.status).to.equal(400);
      expect(await (await admin("GET", "/faults")).json()).to.deep.equal(plan);
    });

    it("changes tokens and registries", async () => {
      const token = (await f.api.createToken(f.registryId, { name: "via-http" })).json;
      const base = `/registries/${f.registryId}/tokens`;
      expect((await admin("GET", base)).status).to.equal(200);
      const patched = await admin("PATCH", `${base}/${token.id}`, { status: "disabled" });
      expect(((await patched.json()) as { properties: { status: string } }).properties.status).to.equal(
        "disabled",
      );
      expect((await admin("GET", `${base}/${token.id}`)).status).to.equal(200);
      expect((await admin("DELETE", `${base}/${token.id}`)).status).to.equal(204);
      expect((await admin("GET", `${base}/${token.id}`)).status).to.equal(404);
      expect((await admin("DELETE", `${base}/${token.id}`)).status).to.equal(404);
      const created = await admin("POST", "/registries", { name: "http-made", location: "de/txl" });
      expect(created.status).to.equal(201);
      const { id } = (await created.json()) as { id: string };
      const all = (await (await admin("GET", "/registries")).json()) as { items: Array<{ id: string }> };
      expect(all.items.map((r) => r.id)).to.include(id);
      expect((await admin("DELETE", `/registries/${id}`)).status).to.equal(204);
    });

    it("answers 404/405/400 cleanly and is never logged as an API call", async () => {
      expect((await admin("GET", "/nothing")).status).to.equal(404);
      expect((await admin("POST", "/requests")).status).to.equal(405);
      expect((await admin("POST", "/registries", { name: 5 })).status).to.equal(400);
      expect(f.emu.requests()).to.deep.equal([]);
    });
  });

  describe("switched off", () => {
    let emu: RunningEmulator | undefined;
    afterEach(async () => emu?.close());

    it("answers 404 under /_emulator when adminHttp is false", async () => {
      emu = await startEmulator({ adminHttp: false });
      const res = await fetch(emu.url.replace("/containerregistries", "/_emulator/requests"));
      expect(res.status).to.equal(404);
    });
  });
});
