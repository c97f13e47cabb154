import { expect } from "chai";
import { tokensPath, type ApiResponse } from "../support/emulatorClient";
import { useEmulator } from "../support/emulatorFixture";

const SCOPES = [{ name: "*", type: "repository", actions: ["pull", "push", "delete"] }];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FREE_ID = "0f3c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

function expectError(res: ApiResponse, status: number, mention?: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(res.json.httpStatus).to.equal(status);
  expect(res.json.messages).to.be.an("array").with.length.greaterThan(0);
  expect(res.json.messages[0].errorCode).to.be.a("string");
  if (mention !== undefined) expect(res.json.messages[0].message).to.include(mention);
}

describe("emulator: tokens", () => {
  const f = useEmulator();

  describe("POST /registries/{registryId}/tokens", () => {
    it("creates a token: 201, Location, full TokenResponse with a one-time password", async () => {
      const res = await f.api.createToken(f.registryId, { name: "push-token", scopes: SCOPES });
      expect(res.status).to.equal(201);
      const token = res.json;
      expect(token.id).to.match(UUID);
      expect(token.type).to.equal("token");
      expect(token.href).to.equal("");
      expect(res.headers.get("location")).to.equal(`${f.emu.url}${tokensPath(f.registryId, token.id)}`);
      expect(token.properties).to.deep.include({ name: "push-token", status: "enabled", expiryDate: null });
      expect(token.properties.scopes).to.deep.equal(SCOPES);
      expect(token.properties.credentials.username).to.equal("push-token");
      expect(token.properties.credentials.password).to.be.a("string").with.length.greaterThan(20);
      expect(token.metadata).to.deep.equal({
        createdBy: "tester@example.com",
        createdByUserId: token.metadata.createdByUserId,
        createdDate: "2030-01-01T00:00:00Z",
        state: "enabled",
      });
      expect(token.metadata.createdByUserId).to.match(UUID);
    });

    it("defaults: status enabled, no expiry, no scopes; disabled status is kept and mirrored in metadata.state", async () => {
      const plain = await f.api.createToken(f.registryId, { name: "plain" });
      expect(plain.json.properties).to.deep.include({ status: "enabled", expiryDate: null, scopes: [] });
      const disabled = await f.api.createToken(f.registryId, {
        name: "off",
        status: "disabled",
        scopes: null,
      });
      expect(disabled.json.properties.status).to.equal("disabled");
      expect(disabled.json.metadata.state).to.equal("disabled");
      expect(disabled.json.properties.scopes).to.deep.equal([]);
    });

    it("gives a different password to every token", async () => {
      const a = await f.api.createToken(f.registryId, { name: "a1" });
      const b = await f.api.createToken(f.registryId, { name: "b1" });
      expect(a.json.properties.credentials.password).to.not.equal(b.json.properties.credentials.password);
    });

    it("answers 409 for a name already used in the same registry, case-insensitively", async () => {
      expect((await f.api.createToken(f.registryId, { name: "dup" })).status).to.equal(201);
      expectError(await f.api.createToken(f.registryId, { name: "dup" }), 409, "dup");
      expectError(await f.api.createToken(f.registryId, { name: "DUP" }), 409);
      expect(f.emu.admin.listTokens(f.registryId)).to.have.length(1);
    });

    it("allows the same name in another registry", async () => {
      expect((await f.api.createToken(f.registryId, { name: "same" })).status).to.equal(201);
      expect((await f.api.createToken(f.otherRegistryId, { name: "same" })).status).to.equal(201);
    });

    it("answers 404 for an unknown registry", async () => {
      expectError(await f.api.createToken(FREE_ID, { name: "x1" }), 404, FREE_ID);
    });
  });

  describe("GET one and list", () => {
    it("never shows the password again", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "secret-keeper" })).json;
      const one = await f.api.get(tokensPath(f.registryId, created.id));
      expect(one.status).to.equal(200);
      expect(one.json.properties.credentials).to.deep.equal({ username: "secret-keeper", password: "" });
      const { credentials: _c1, ...restCreated } = created.properties;
      const { credentials: _c2, ...restOne } = one.json.properties;
      expect(restOne).to.deep.equal(restCreated);
      const list = await f.api.get(tokensPath(f.registryId));
      expect(list.json.items[0].properties.credentials.password).to.equal("");
      expect(list.text).to.not.include(created.properties.credentials.password);
    });

    it("finds a token by an upper-case id", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "upper" })).json;
      expect((await f.api.get(tokensPath(f.registryId, created.id.toUpperCase()))).status).to.equal(200);
    });

    it("answers 404 for an unknown token, a token of another registry, and an unknown registry", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "mine" })).json;
      expectError(await f.api.get(tokensPath(f.registryId, FREE_ID)), 404, FREE_ID);
      expectError(await f.api.get(tokensPath(f.otherRegistryId, created.id)), 404);
      expectError(await f.api.get(tokensPath(FREE_ID, created.id)), 404);
      expectError(await f.api.get(tokensPath(FREE_ID)), 404);
    });

    it("lists only the registry's own tokens, in creation order", async () => {
      for (const name of ["t-a", "t-b", "t-c"]) await f.api.createToken(f.registryId, { name });
      await f.api.createToken(f.otherRegistryId, { name: "elsewhere" });
      const list = await f.api.get(tokensPath(f.registryId));
      expect(list.status).to.equal(200);
      expect(list.json.items.map((t: { properties: { name: string } }) => t.properties.name)).to.deep.equal([
        "t-a",
        "t-b",
        "t-c",
      ]);
      expect(list.json).to.include({ total: 3, count: 3, offset: 0, limit: 100, id: f.registryId });
    });
  });

  describe("PATCH", () => {
    const createFull = async (name: string) =>
      (await f.api.createToken(f.registryId, { name, scopes: SCOPES, expiryDate: "2031-01-01T00:00:00Z" }))
        .json;

    it("changes only the given fields, sets lastModified*, answers 200 without password", async () => {
      const created = await createFull("patchme");
      f.clock.advance(60_000);
      const res = await f.api.patch(tokensPath(f.registryId, created.id), { status: "disabled" });
      expect(res.status).to.equal(200);
      expect(res.json.properties).to.deep.include({
        status: "disabled",
        expiryDate: "2031-01-01T00:00:00Z",
        name: "patchme",
      });
      expect(res.json.properties.scopes).to.deep.equal(SCOPES);
      expect(res.json.properties.credentials.password).to.equal("");
      expect(res.json.metadata).to.include({
        state: "disabled",
        createdDate: "2030-01-01T00:00:00Z",
        lastModifiedDate: "2030-01-01T00:01:00Z",
        lastModifiedBy: "tester@example.com",
      });
      expect(res.json.metadata.lastModifiedByUserId).to.equal(res.json.metadata.createdByUserId);
    });

    it("clears the expiry with null and replaces the whole scope list", async () => {
      const created = await createFull("scoped");
      const newScopes = [
        { name: "app", type: "repository", actions: ["pull"] },
        { name: "*", type: "registry", actions: ["pull"] },
      ];
      const res = await f.api.patch(tokensPath(f.registryId, created.id), {
        expiryDate: null,
        scopes: newScopes,
      });
      expect(res.json.properties.expiryDate).to.equal(null);
      expect(res.json.properties.scopes).to.deep.equal(newScopes);
      expect(f.emu.admin.getToken(f.registryId, created.id)?.properties.scopes).to.deep.equal(newScopes);
      const cleared = await f.api.patch(tokensPath(f.registryId, created.id), { scopes: null });
      expect(cleared.json.properties.scopes).to.deep.equal([]);
    });

    it("accepts an empty body as a no-op change", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "noop", scopes: SCOPES })).json;
      const res = await f.api.patch(tokensPath(f.registryId, created.id), {});
      expect(res.status).to.equal(200);
      expect(res.json.properties.scopes).to.deep.equal(SCOPES);
    });

    it("rejects a wrapped body (PATCH is not wrapped in properties)", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "wrapped" })).json;
      const res = await f.api.patch(tokensPath(f.registryId, created.id), {
        properties: { status: "disabled" },
      });
      expectError(res, 400, "properties");
      expect(f.emu.admin.getToken(f.registryId, created.id)?.properties.status).to.equal("enabled");
    });

    it("answers 404 for unknown token or registry", async () => {
      expectError(await f.api.patch(tokensPath(f.registryId, FREE_ID), { status: "disabled" }), 404);
      expectError(await f.api.patch(tokensPath(FREE_ID, FREE_ID), { status: "disabled" }), 404);
    });
  });

  describe("PUT", () => {
    it("creates a token at a free id: 201, Location, exactly that id, one-time password", async () => {
      const res = await f.api.put(tokensPath(f.registryId, FREE_ID), {
        properties: { name: "put-made", scopes: SCOPES },
      });
      expect(res.status).to.equal(201);
      expect(res.json.id).to.equal(FREE_ID);
      expect(res.headers.get("location")).to.equal(`${f.emu.url}${tokensPath(f.registryId, FREE_ID)}`);
      expect(res.json.properties.credentials.password).to.have.length.greaterThan(20);
      expect(res.json.metadata).to.not.have.property("lastModifiedDate");
      expect(f.emu.admin.getToken(f.registryId, FREE_ID)?.properties.name).to.equal("put-made");
    });

    it("replaces an existing token: 201, password empty, absent fields reset to defaults", async () => {
      const created = (
        await f.api.createToken(f.registryId, {
          name: "replace-me",
          status: "disabled",
          scopes: SCOPES,
          expiryDate: "2031-01-01T00:00:00Z",
        })
      ).json;
      f.clock.advance(1000);
      const res = await f.api.put(tokensPath(f.registryId, created.id), {
        properties: { name: "replace-me" },
      });
      expect(res.status).to.equal(201);
      expect(res.json.id).to.equal(created.id);
      expect(res.json.properties).to.deep.include({ status: "enabled", expiryDate: null, scopes: [] });
      expect(res.json.properties.credentials).to.deep.equal({ username: "replace-me", password: "" });
      expect(res.json.metadata.lastModifiedDate).to.equal("2030-01-01T00:00:01Z");
      expect(res.json.metadata.createdDate).to.equal("2030-01-01T00:00:00Z");
    });

    it("refuses to change the name (400) and leaves the token alone", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "fixed-name" })).json;
      const res = await f.api.put(tokensPath(f.registryId, created.id), {
        properties: { name: "other-name", status: "disabled" },
      });
      expectError(res, 400, "properties.name");
      expect(f.emu.admin.getToken(f.registryId, created.id)?.properties).to.include({
        name: "fixed-name",
        status: "enabled",
      });
    });

    it("answers 409 when creating with a taken name or an id owned by another registry", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "taken" })).json;
      expectError(await f.api.put(tokensPath(f.registryId, FREE_ID), { properties: { name: "taken" } }), 409);
      expectError(
        await f.api.put(tokensPath(f.otherRegistryId, created.id), { properties: { name: "taken" } }),
        409,
      );
      expect(f.emu.admin.listTokens(f.otherRegistryId)).to.deep.equal([]);
    });

    it("supports ionosctl's scope delete: DELETE then PUT at the same id gives a fresh password", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "cycle", scopes: SCOPES })).json;
      expect((await f.api.delete(tokensPath(f.registryId, created.id))).status).to.equal(204);
      const res = await f.api.put(tokensPath(f.registryId, created.id), { properties: { name: "cycle" } });
      expect(res.status).to.equal(201);
      expect(res.json.id).to.equal(created.id);
      expect(res.json.properties.credentials.password).to.not.equal("");
      expect(res.json.properties.credentials.password).to.not.equal(created.properties.credentials.password);
    });

    it("answers 404 for an unknown registry", async () => {
      expectError(await f.api.put(tokensPath(FREE_ID, FREE_ID), { properties: { name: "nowhere" } }), 404);
    });
  });

  describe("DELETE", () => {
    it("answers 204 with no body, then 404", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "doomed" })).json;
      const res = await f.api.delete(tokensPath(f.registryId, created.id));
      expect(res.status).to.equal(204);
      expect(res.text).to.equal("");
      expect(res.headers.get("content-type")).to.equal(null);
      expectError(await f.api.delete(tokensPath(f.registryId, created.id)), 404);
      expectError(await f.api.get(tokensPath(f.registryId, created.id)), 404);
    });

    it("does not delete a token through another registry's path", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "guarded" })).json;
      expectError(await f.api.delete(tokensPath(f.otherRegistryId, created.id)), 404);
      expect(f.emu.admin.getToken(f.registryId, created.id)).to.not.equal(undefined);
    });
  });
});
