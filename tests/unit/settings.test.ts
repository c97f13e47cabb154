import { expect } from "chai";
import {
  authorizationHeader,
  normalizeEndpoint,
  resolveSettings,
  secretForms,
} from "../../provider/lifecycle/settings";

const noConfig = () => undefined;
const config = (values: Record<string, string>) => (key: string) => values[key];

describe("settings.ts", () => {
  it("reads stack config before the environment", () => {
    const s = resolveSettings(config({ "ionoscloud:token": "cfg-token" }), { IONOS_TOKEN: "env-token" });
    expect(s.credentials).to.deep.equal({ kind: "token", token: "cfg-token" });
  });
  it("falls back to IONOS_* variables", () => {
    const s = resolveSettings(noConfig, {
      IONOS_USERNAME: "u",
      IONOS_PASSWORD: "p",
      IONOS_API_URL: "http://127.0.0.1:9",
    });
    expect(s.credentials).to.deep.equal({ kind: "basic", username: "u", password: "p" });
    expect(s.baseUrl).to.equal("http://127.0.0.1:9/containerregistries");
  });
  it("lets a token win over username and password from the same source", () => {
    const fromConfig = config({
      "ionoscloud:token": "t",
      "ionoscloud:username": "u",
      "ionoscloud:password": "p",
    });
    expect(resolveSettings(fromConfig, {}).credentials).to.deep.equal({ kind: "token", token: "t" });
    const fromEnv = { IONOS_TOKEN: "t", IONOS_USERNAME: "u", IONOS_PASSWORD: "p" };
    expect(resolveSettings(noConfig, fromEnv).credentials.kind).to.equal("token");
  });
  it("takes credentials from stack config as a set, never mixing in the environment's", () => {
    const s = resolveSettings(config({ "ionoscloud:username": "u", "ionoscloud:password": "p" }), {
      IONOS_TOKEN: "t",
    });
    expect(s.credentials).to.deep.equal({ kind: "basic", username: "u", password: "p" });
    expect(() => resolveSettings(config({ "ionoscloud:username": "u" }), { IONOS_PASSWORD: "p" })).to.throw(
      /password/,
    );
  });
  it("defaults to the production endpoint and sane timeouts", () => {
    const s = resolveSettings(noConfig, { IONOS_TOKEN: "t" });
    expect(s.baseUrl).to.equal("https://api.ionos.com/containerregistries");
    expect(s.requestTimeoutMs).to.equal(30000);
    expect(s.retryBudgetMs).to.equal(60000);
  });
  it("says which keys and variables to set when credentials are missing", () => {
    expect(() => resolveSettings(noConfig, {})).to.throw(
      /ionoscloud:token.*IONOS_TOKEN.*IONOS_USERNAME and IONOS_PASSWORD/s,
    );
    expect(() => resolveSettings(noConfig, { IONOS_USERNAME: "u" })).to.throw(
      /IONOS_USERNAME is set but IONOS_PASSWORD is missing$/,
    );
  });
  it("without a stack config (a command run outside Pulumi) names only environment variables", () => {
    const envOnly = () => resolveSettings(config({ "ionoscloud:token": "ignored" }), {}, null);
    expect(envOnly).to.throw(
      /^IONOS credentials are missing: set IONOS_TOKEN, or IONOS_USERNAME and IONOS_PASSWORD \(only the environment/,
    );
    expect(envOnly).to.throw().with.property("message").that.does.not.include("pulumi config");
    expect(() => resolveSettings(noConfig, { IONOS_PASSWORD: "p" }, null)).to.throw(
      /IONOS_PASSWORD is set but IONOS_USERNAME is missing$/,
    );
    expect(resolveSettings(noConfig, { IONOS_TOKEN: "t" }, null).credentialSource).to.equal(
      "environment IONOS_TOKEN",
    );
  });
  it("names the key in the source the other half came from: config username, environment password", () => {
    const config = (key: string) => (key === "ionoscloud:username" ? "u" : undefined);
    expect(() => resolveSettings(config, { IONOS_PASSWORD: "p-secret" }))
      .to.throw(
        /ionoscloud:username is set but ionoscloud:password is missing \(set it in the stack config.*IONOS_PASSWORD is not used\)/,
      )
      .with.property("message")
      .that.does.not.include("p-secret");
  });
  it("tells where the credentials came from, and when environment credentials are not used", () => {
    const token = (key: string) => (key === "ionoscloud:token" ? "stale" : undefined);
    expect(resolveSettings(token, {}).credentialSource).to.equal("stack config ionoscloud:token");
    expect(resolveSettings(token, { IONOS_TOKEN: "good" }).credentialSource).to.equal(
      "stack config ionoscloud:token (IONOS_* credentials in the environment are not used while the stack config sets any)",
    );
    expect(resolveSettings(noConfig, { IONOS_USERNAME: "u", IONOS_PASSWORD: "p" }).credentialSource).to.equal(
      "environment IONOS_USERNAME and IONOS_PASSWORD",
    );
  });
  it("throws real Errors named SettingsError", () => {
    const error = (() => {
      try {
        resolveSettings(noConfig, {});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).to.be.instanceOf(Error);
    expect(error?.name).to.equal("SettingsError");
  });
  it("never echoes a secret in its errors", () => {
    expect(() => resolveSettings(noConfig, { IONOS_PASSWORD: "hunter2-very-secret" }))
      .to.throw(/IONOS_PASSWORD is set but IONOS_USERNAME is missing/)
      .with.property("message")
      .that.does.not.include("hunter2");
  });
  it("refuses plain http to anything but loopback", () => {
    expect(() =>
      resolveSettings(noConfig, { IONOS_TOKEN: "t", IONOS_API_URL: "http://api.example.com" }),
    ).to.throw(/plain http/);
    for (const host of [
      "http://127.0.0.1:8080",
      "http://localhost:1",
      "http://[::1]:2",
      "http://127.4.5.6",
    ]) {
      expect(() => resolveSettings(noConfig, { IONOS_TOKEN: "t", IONOS_API_URL: host }), host).to.not.throw();
    }
  });
  it("normalizes endpoints as the IONOS SDKs do", () => {
    expect(normalizeEndpoint("api.ionos.com")).to.equal("https://api.ionos.com/containerregistries");
    expect(normalizeEndpoint("https://api.ionos.com/")).to.equal("https://api.ionos.com/containerregistries");
    expect(normalizeEndpoint("http://127.0.0.1:8080/containerregistries/")).to.equal(
      "http://127.0.0.1:8080/containerregistries",
    );
    expect(() => normalizeEndpoint("ftp://x")).to.throw(/https/);
    expect(() => normalizeEndpoint("https://user:pw@host")).to.throw(/must not carry credentials/);
  });
  it("rejects malformed tuning numbers", () => {
    expect(() =>
      resolveSettings(noConfig, { IONOS_TOKEN: "t", IONOS_REGISTRY_TOKEN_TIMEOUT_MS: "fast" }),
    ).to.throw(/requestTimeoutMs/);
    expect(
      resolveSettings(config({ "ionos-registry-token:requestTimeoutMs": "500" }), { IONOS_TOKEN: "t" })
        .requestTimeoutMs,
    ).to.equal(500);
  });
  it("builds Bearer and Basic headers and lists every secret form", () => {
    expect(authorizationHeader({ kind: "token", token: "abc" })).to.equal("Bearer abc");
    const basic = { kind: "basic" as const, username: "u", password: "p" };
    expect(authorizationHeader(basic)).to.equal(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(secretForms(basic)).to.include(Buffer.from("u:p").toString("base64"));
  });
});
