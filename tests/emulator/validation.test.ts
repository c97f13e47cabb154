import { expect } from "chai";
import { tokensPath, type ApiResponse } from "../support/emulatorClient";
import { stateOf, useEmulator } from "../support/emulatorFixture";

const SCOPE = { name: "*", type: "repository", actions: ["pull"] };

/** Asserts a 400 whose message names `field`. */
function expect400(res: ApiResponse, field: string): void {
  expect(res.status, res.text).to.equal(400);
  expect(res.json).to.have.keys("httpStatus", "messages");
  expect(res.json.httpStatus).to.equal(400);
  expect(res.json.messages[0].errorCode).to.equal("VALIDATION_FAILED");
  expect(res.json.messages[0].message.startsWith(`${field}:`), res.json.messages[0].message).to.be.true;
}

describe("emulator: validation", () => {
  const f = useEmulator();

  describe("token name", () => {
    const valid = ["ab", "A1", "push-token", "testRegistryToken", "a-b-c-1", "x" + "y".repeat(61) + "z"];
    const invalid = [
      "",
      "a",
      "1abc",
      "-abc",
      "abc-",
      "ab_c",
      "ab c",
      "ab.c",
      "x" + "y".repeat(62) + "z",
      "äbc",
    ];
    for (const name of valid) {
      it(`accepts ${JSON.stringify(name)}`, async () => {
        expect((await f.api.createToken(f.registryId, { name })).status).to.equal(201);
      });
    }
    for (const name of invalid) {
      it(`rejects ${JSON.stringify(name)}`, async () => {
        expect400(await f.api.createToken(f.registryId, { name }), "properties.name");
      });
    }
    it("is required and must be a string", async () => {
      expect400(await f.api.createToken(f.registryId, {}), "properties.name");
      expect400(await f.api.createToken(f.registryId, { name: 42 }), "properties.name");
      expect400(await f.api.createToken(f.registryId, { name: null }), "properties.name");
    });
  });

  describe("status", () => {
    for (const status of ["Enabled", "DISABLED", "on", "", true, 1, null]) {
      it(`rejects ${JSON.stringify(status)} on POST and PATCH`, async () => {
        expect400(await f.api.createToken(f.registryId, { name: "st", status }), "properties.status");
        const created = (await f.api.createToken(f.registryId, { name: "st2" })).json;
        expect400(await f.api.patch(tokensPath(f.registryId, created.id), { status }), "status");
      });
    }
  });

  describe("expiryDate", () => {
    const accepted: Array<[string, string]> = [
      ["2031-07-17T03:22:54.593Z", "2031-07-17T03:22:54Z"],
      ["2031-07-17T03:22:54Z", "2031-07-17T03:22:54Z"],
      ["2031-07-17T05:22:54+02:00", "2031-07-17T03:22:54Z"],
      ["2031-07-16T22:22:54.123456789-05:00", "2031-07-17T03:22:54Z"],
      ["2032-02-29t00:00:00z", "2032-02-29T00:00:00Z"],
    ];
    for (const [input, shown] of accepted) {
      it(`accepts ${input} and shows ${shown}`, async () => {
        const res = await f.api.createToken(f.registryId, { name: "exp", expiryDate: input });
        expect(res.status, res.text).to.equal(201);
        expect(res.json.properties.expiryDate).to.equal(shown);
      });
    }
    const rejected = [
      "2031-07-17",
      "2031-07-17T03:22:54",
      "2031-07-17 03:22:54Z",
      "2031-13-01T00:00:00Z",
      "2031-02-29T00:00:00Z",
      "2031-01-01T24:00:00Z",
      "2031-01-01T00:00:60Z",
      "2031-01-01T00:00:00+25:00",
      "tomorrow",
      "",
      1924992000,
      {},
    ];
    for (const expiryDate of rejected) {
      it(`rejects ${JSON.stringify(expiryDate)}`, async () => {
        expect400(
          await f.api.createToken(f.registryId, { name: "exp", expiryDate }),
          "properties.expiryDate",
        );
      });
    }
    it("must be at least one hour in the future (by the injected clock) on POST, PUT and PATCH", async () => {
      const HOUR = 3_600_000;
      const id = "11111111-2222-4333-8444-555555555555";
      for (const tooSoon of [f.clock.isoIn(-1000), f.clock.isoIn(0), f.clock.isoIn(HOUR - 1000)]) {
        expect400(
          await f.api.createToken(f.registryId, { name: "late", expiryDate: tooSoon }),
          "properties.expiryDate",
        );
        expect400(
          await f.api.put(tokensPath(f.registryId, id), {
            properties: { name: "late", expiryDate: tooSoon },
          }),
          "properties.expiryDate",
        );
      }
      const late = await f.api.createToken(f.registryId, {
        name: "late",
        expiryDate: f.clock.isoIn(HOUR - 1000),
      });
      expect(late.json.messages[0].message).to.include("at least one hour in the future");
      const created = (
        await f.api.createToken(f.registryId, { name: "soon", expiryDate: f.clock.isoIn(HOUR) })
      ).json;
      expect(created.properties.expiryDate).to.equal(f.clock.isoIn(HOUR));
      expect400(
        await f.api.patch(tokensPath(f.registryId, created.id), { expiryDate: f.clock.isoIn(HOUR - 1000) }),
        "expiryDate",
      );
    });
  });

  describe("scopes (strict)", () => {
    const bad: Array<[unknown, string]> = [
      ["*", "properties.scopes"],
      [{}, "properties.scopes"],
      [[null], "properties.scopes[0]"],
      [["*"], "properties.scopes[0]"],
      [[{ ...SCOPE, name: "" }], "properties.scopes[0].name"],
      [[{ ...SCOPE, name: "a b" }], "properties.scopes[0].name"],
      [[{ ...SCOPE, name: "x".repeat(256) }], "properties.scopes[0].name"],
      [[{ type: "repository", actions: ["pull"] }], "properties.scopes[0].name"],
      [[{ name: "*", actions: ["pull"] }], "properties.scopes[0].type"],
      [[{ name: "*", type: "repository" }], "properties.scopes[0].actions"],
      [[{ ...SCOPE, type: "namespace" }], "properties.scopes[0].type"],
      [[{ ...SCOPE, type: "Repository" }], "properties.scopes[0].type"],
      [[{ ...SCOPE, actions: [] }], "properties.scopes[0].actions"],
      [[{ ...SCOPE, actions: null }], "properties.scopes[0].actions"],
      [[{ ...SCOPE, actions: "pull" }], "properties.scopes[0].actions"],
      [[{ ...SCOPE, actions: '["pull", "push"]' }], "properties.scopes[0].actions"],
      [[{ ...SCOPE, actions: ["pull", "write"] }], "properties.scopes[0].actions[1]"],
      [[{ ...SCOPE, actions: ["*"] }], "properties.scopes[0].actions[0]"],
      [[{ ...SCOPE, actions: ["pull", "pull"] }], "properties.scopes[0].actions"],
      [[SCOPE, { ...SCOPE, extra: true }], "properties.scopes[1].extra"],
      [Array.from({ length: 101 }, () => SCOPE), "properties.scopes"],
    ];
    for (const [scopes, field] of bad) {
      it(`rejects ${JSON.stringify(scopes).slice(0, 60)} naming ${field}`, async () => {
        expect400(await f.api.createToken(f.registryId, { name: "sc", scopes }), field);
      });
    }
    it("accepts every documented type and action, wildcards and paths in names", async () => {
      const scopes = [
        { name: "*", type: "registry", actions: ["pull"] },
        { name: "team/app-*", type: "repository", actions: ["delete", "push", "pull"] },
      ];
      const res = await f.api.createToken(f.registryId, { name: "sc", scopes });
      expect(res.status).to.equal(201);
      expect(res.json.properties.scopes).to.deep.equal(scopes);
    });
    it("checks PATCH scopes with the PATCH field path", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "sc" })).json;
      expect400(
        await f.api.patch(tokensPath(f.registryId, created.id), { scopes: [{ ...SCOPE, type: "x" }] }),
        "scopes[0].type",
      );
    });
  });

  describe("body shape", () => {
    const cases: Array<[string, unknown, string]> = [
      ["an array body", [], "body"],
      ["a string body", "x", "body"],
      ["null body", null, "body"],
      ["a missing wrapper", { name: "unwrapped" }, "name"],
      ["a null wrapper", { properties: null }, "properties"],
      ["no properties", {}, "properties"],
      ["an unknown top-level field", { properties: { name: "ok1" }, extra: 1 }, "extra"],
      ["an unknown property", { properties: { name: "ok1", password: "x" } }, "properties.password"],
      ["a read-only property", { properties: { name: "ok1", credentials: {} } }, "properties.credentials"],
    ];
    for (const [what, body, field] of cases) {
      it(`rejects ${what} on POST and PUT`, async () => {
        expect400(await f.api.post(tokensPath(f.registryId), body), field);
        expect400(
          await f.api.put(tokensPath(f.registryId, "11111111-2222-4333-8444-555555555555"), body),
          field,
        );
      });
    }
    it("rejects unknown PATCH fields, including name", async () => {
      const created = (await f.api.createToken(f.registryId, { name: "shape" })).json;
      expect400(await f.api.patch(tokensPath(f.registryId, created.id), { name: "renamed" }), "name");
      expect400(await f.api.patch(tokensPath(f.registryId, created.id), []), "body");
    });
  });

  describe("path ids", () => {
    for (const id of [
      "not-a-uuid",
      "12345678-1234-1234-1234-12345678901",
      "g2345678-1234-1234-1234-123456789012",
      "%zz",
    ]) {
      it(`answers 400 naming registryId / tokenId for ${id}`, async () => {
        expect400(await f.api.get(`/registries/${id}/tokens`), "registryId");
        expect400(await f.api.get(tokensPath(f.registryId, id)), "tokenId");
        expect400(await f.api.put(tokensPath(f.registryId, id), { properties: { name: "x1" } }), "tokenId");
        expect400(await f.api.get(`/registries/${id}`), "registryId");
      });
    }
  });

  it("leaves the state unchanged for every rejected request above", async () => {
    const before = stateOf(f.emu);
    expect400(await f.api.createToken(f.registryId, { name: "bad name" }), "properties.name");
    expect400(
      await f.api.createToken(f.registryId, { name: "good", scopes: [{}] }),
      "properties.scopes[0].name",
    );
    expect(stateOf(f.emu)).to.deep.equal(before);
  });
});
