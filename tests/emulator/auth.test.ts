import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { basicAuth, bearerAuth, EmulatorApi, type ApiResponse } from "../support/emulatorClient";
import { stateOf, useEmulator } from "../support/emulatorFixture";

function expect401(res: ApiResponse): void {
  expect(res.status, res.text).to.equal(401);
  expect(res.json).to.deep.include({ httpStatus: 401 });
  expect(res.json.messages[0].errorCode).to.equal("UNAUTHORIZED");
  expect(res.headers.get("www-authenticate")).to.include("Basic");
}

describe("emulator: authentication", () => {
  describe("with no configured credentials", () => {
    const f = useEmulator();

    it("accepts any non-empty Basic or Bearer credentials, with any scheme capitalization", async () => {
      for (const auth of [
        basicAuth("a", "b"),
        bearerAuth("anything"),
        `bearer xyz`,
        `BASIC ${btoa("u:p")}`,
      ]) {
        expect((await f.api.get("/registries", { auth })).status, auth).to.equal(200);
      }
    });

    it("records the Basic user as createdBy and a fixed user for Bearer callers", async () => {
      const basic = await f.api.createToken(f.registryId, { name: "by-basic" });
      expect(basic.json.metadata.createdBy).to.equal("tester@example.com");
      const bearer = await f.api.post(
        `/registries/${f.registryId}/tokens`,
        { properties: { name: "by-bearer" } },
        { auth: bearerAuth("jwt") },
      );
      expect(bearer.json.metadata.createdBy).to.equal("api-user@emulator.local");
    });

    const rejected: Array<[string, string | null]> = [
      ["no header", null],
      ["an empty header", ""],
      ["a scheme without value", "Bearer"],
      ["an unknown scheme", "Token abc"],
      ["Basic without a colon", `Basic ${btoa("useronly")}`],
      ["Basic with an empty user", `Basic ${btoa(":pw")}`],
      ["Basic with an empty password", `Basic ${btoa("user:")}`],
      ["Basic with invalid base64", "Basic ***"],
    ];
    for (const [what, auth] of rejected) {
      it(`answers 401 for ${what} on every operation, changing nothing`, async () => {
        const before = stateOf(f.emu);
        expect401(await f.api.get("/registries", { auth }));
        expect401(
          await f.api.post(`/registries/${f.registryId}/tokens`, { properties: { name: "x1" } }, { auth }),
        );
        expect401(await f.api.delete(`/registries/${f.registryId}`, { auth }));
        expect(stateOf(f.emu)).to.deep.equal(before);
      });
    }

    it("never echoes the credentials in the error", async () => {
      const res = await f.api.get("/registries", { auth: "Token very-secret-value" });
      expect(res.text).to.not.include("very-secret-value");
    });
  });

  describe("with configured credentials", () => {
    let emu: RunningEmulator;
    afterEach(async () => emu?.close());

    it("accepts only the configured Bearer token when only a token is set", async () => {
      emu = await startEmulator({ credentials: { token: "the-token" } });
      const api = new EmulatorApi(emu.url);
      expect((await api.get("/registries", { auth: bearerAuth("the-token") })).status).to.equal(200);
      expect401(await api.get("/registries", { auth: bearerAuth("the-token2") }));
      expect401(await api.get("/registries", { auth: bearerAuth("the-toke") }));
      expect401(await api.get("/registries", { auth: basicAuth("user", "the-token") }));
    });

    it("accepts only the configured Basic pair when only a user is set", async () => {
      emu = await startEmulator({ credentials: { username: "me@example.com", password: "pw" } });
      const api = new EmulatorApi(emu.url);
      expect((await api.get("/registries", { auth: basicAuth("me@example.com", "pw") })).status).to.equal(
        200,
      );
      expect401(await api.get("/registries", { auth: basicAuth("me@example.com", "wrong") }));
      expect401(await api.get("/registries", { auth: basicAuth("other@example.com", "pw") }));
      expect401(await api.get("/registries", { auth: bearerAuth("pw") }));
    });

    it("accepts either when both are set", async () => {
      emu = await startEmulator({ credentials: { token: "t0k", username: "u", password: "p" } });
      const api = new EmulatorApi(emu.url);
      expect((await api.get("/registries", { auth: bearerAuth("t0k") })).status).to.equal(200);
      expect((await api.get("/registries", { auth: basicAuth("u", "p") })).status).to.equal(200);
      expect401(await api.get("/registries", { auth: basicAuth("u", "t0k") }));
    });

    it("treats empty configured values as unset", async () => {
      emu = await startEmulator({ credentials: { token: "" } });
      expect((await new EmulatorApi(emu.url).get("/registries", { auth: bearerAuth("x") })).status).to.equal(
        200,
      );
    });

    it("refuses a username without a password at start", async () => {
      let error: unknown;
      await startEmulator({ credentials: { username: "u" } }).then(
        (started) => started.close(), // it started after all: closed, and the expectation below fails
        (err: unknown) => (error = err),
      );
      expect(String(error)).to.include("username and credentials.password");
    });

    it("setCredentials rotates the API token: the old one is refused from the next request on, the new one accepted", async () => {
      emu = await startEmulator({ credentials: { token: "old-token" } });
      const api = new EmulatorApi(emu.url);
      expect((await api.get("/registries", { auth: bearerAuth("old-token") })).status).to.equal(200);
      emu.setCredentials({ token: "new-token" });
      expect401(await api.get("/registries", { auth: bearerAuth("old-token") }));
      expect((await api.get("/registries", { auth: bearerAuth("new-token") })).status).to.equal(200);
    });

    it("setCredentials refuses a username without a password and keeps the credentials it had", async () => {
      emu = await startEmulator({ credentials: { token: "kept" } });
      expect(() => emu.setCredentials({ username: "u" })).to.throw(TypeError, "must be given together");
      const api = new EmulatorApi(emu.url);
      expect((await api.get("/registries", { auth: bearerAuth("kept") })).status).to.equal(200);
    });
  });
});
