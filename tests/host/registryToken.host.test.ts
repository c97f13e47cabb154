import { expect } from "chai";
import { randomBytes } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import * as pulumi from "@pulumi/pulumi";
import { RegistryTokenProvider } from "../../provider/dynamic/glue";
import { RUNTIME_ENTRY } from "../../provider/dynamic/stateContract";
import { PROJECT_ROOT, startProviderHost, type ProviderHost } from "../support/providerHost";
import { registerToken, type RegisteredToken } from "../support/serializedProvider";

type Props = Record<string, unknown>;
const DIFF_NONE = 1;
const DIFF_SOME = 2;
const API_TOKEN = `api-token-${randomBytes(12).toString("hex")}`;

/*
 * What both modes must do alike — check and diff without API calls, a vanished token, replacement order,
 * configuration mistakes — is in modes.host.test.ts, run once per mode; this file keeps what only the dynamic
 * provider has (serialization, the registered resource) and the longer lifecycle it drives through the host.
 */
describe("RegistryToken through Pulumi's dynamic-provider host", function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let host: ProviderHost;
  let registered: RegisteredToken;
  let registryId: string;
  let otherRegistryId: string;
  const passwordsSeen: string[] = [];

  /** The inputs the engine would send: what the resource registered, plus `__provider`. */
  const program = (overrides: Props = {}): Props => ({
    ...registered.inputs,
    ...overrides,
    __provider: registered.provider,
  });
  const writes = () => emulator.requests().filter((r) => r.method !== "GET");

  /** check → create, as `pulumi up` does for a new resource. */
  async function up(news: Props): Promise<{ id: string; inputs: Props; outs: Props }> {
    const { inputs, failures } = await host.check({}, news);
    expect(failures).to.deep.equal([]);
    const { id, properties } = await host.create(inputs);
    passwordsSeen.push(properties.password as string);
    return { id, inputs, outs: properties };
  }

  before(async () => {
    emulator = await startEmulator({
      credentials: { token: API_TOKEN },
      registries: [{ name: "main" }, { name: "other" }],
    });
    [registryId, otherRegistryId] = emulator.registries.map((r) => r.id);
    registered = await registerToken("ci", {
      registryId,
      scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
    });
    host = await startProviderHost();
    await host.configure({ "ionoscloud:token": API_TOKEN, "ionoscloud:endpoint": emulator.url });
  });

  after(async () => {
    await host?.close();
    await emulator?.close();
  });

  beforeEach(() => emulator.clearRequests());

  describe("what RegistryToken registers", () => {
    it("uses the dynamic type token and lists password in additionalSecretOutputs", () => {
      expect(registered.type).to.equal("pulumi-nodejs:dynamic/ionos:RegistryToken");
      expect(registered.additionalSecretOutputs).to.include("password");
    });

    it("registers the resource name's prefix apart from namePrefix, and no name, when both are omitted", () => {
      expect(registered.inputs).to.deep.include({ registryId, defaultNamePrefix: "ci" });
      expect(registered.inputs).to.not.have.property("namePrefix");
      expect(registered.inputs).to.not.have.property("name");
    });

    it("serializes only glue that loads the implementation by package name", () => {
      expect(registered.provider).to.include(`"${RUNTIME_ENTRY}"`);
      expect(registered.provider).to.not.include("checkTokenInputs");
      expect(registered.provider).to.not.include("node-fetch");
      expect(registered.provider.length).to.be.below(8 * 1024);
    });

    it("resolves that package name from the project root and from an example's folder", () => {
      for (const dir of [PROJECT_ROOT, path.join(PROJECT_ROOT, "examples", "quickstart")]) {
        expect(require.resolve(RUNTIME_ENTRY, { paths: [dir] })).to.equal(
          path.join(PROJECT_ROOT, "dist/provider/lifecycle/runtime.js"),
        );
      }
      const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
        name: string;
      };
      expect(RUNTIME_ENTRY.startsWith(`${pkg.name}/`)).to.equal(true);
    });

    it("serializes no credential even after configure ran and IONOS_* variables are set in the same process", async () => {
      // A fresh provider object (the module-level one may already sit in Pulumi's serialization cache).
      const provider = new RegistryTokenProvider();
      const saved = process.env.IONOS_PASSWORD;
      process.env.IONOS_PASSWORD = `${API_TOKEN}-env`;
      try {
        await provider.configure({
          config: { get: (k) => (k === "ionoscloud:token" ? API_TOKEN : undefined), require: () => "" },
        });
        await provider.check({} as never, { registryId, name: "probe" } as never);
        const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        expect(text).to.include(`"${RUNTIME_ENTRY}"`);
        expect(text).to.not.include(API_TOKEN);
      } finally {
        if (saved === undefined) delete process.env.IONOS_PASSWORD;
        else process.env.IONOS_PASSWORD = saved;
      }
    });

    it("serializes a provider that captures no credential", () => {
      expect(registered.provider).to.be.a("string").and.not.include(API_TOKEN);
      expect(registered.provider).to.not.match(/IONOS_TOKEN\s*[:=]\s*"/);
    });
  });

  describe("lifecycle", () => {
    let id: string;
    let inputs: Props;
    let outs: Props;

    it("creates a token with one POST and returns its password", async () => {
      ({ id, inputs, outs } = await up(program()));
      expect(writes().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["POST 201"]);
      expect(emulator.requests()).to.have.length(1);
      const [, tokenId] = id.split("/");
      expect(id).to.equal(`${registryId}/${tokenId}`);
      expect(outs).to.deep.include({
        registryId,
        tokenId,
        namePrefix: "ci",
        status: "enabled",
        expiryDate: null,
      });
      expect(outs.name).to.match(/^ci-[a-z0-9]{8}$/);
      expect(outs.username).to.equal(outs.name);
      expect(outs.password).to.be.a("string").with.length.greaterThan(8);
      expect(outs.createdDate).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(emulator.admin.getToken(registryId, tokenId)?.properties.name).to.equal(outs.name);
    });

    it("refreshes without drift: same outputs, password kept, no diff", async () => {
      const read = await host.read(id, outs, inputs);
      expect(read.id).to.equal(id);
      expect(read.properties).to.deep.equal(outs);
      // A refresh keeps the stored (declared) inputs, so that drift is restored rather than adopted.
      expect(read.inputs).to.equal(undefined);
      expect((await host.diff(id, read.properties, inputs)).changes).to.equal(DIFF_NONE);
      expect(emulator.requests().map((r) => r.method)).to.deep.equal(["GET"]);
    });

    it("updates status in place with one PATCH, keeping the password", async () => {
      const checked = await host.check(inputs, program({ status: "disabled" }));
      const diff = await host.diff(id, outs, checked.inputs);
      expect(diff).to.deep.include({ changes: DIFF_SOME, replaces: [] });
      const updated = await host.update(id, outs, checked.inputs);
      expect(updated.password).to.equal(outs.password);
      expect(updated.status).to.equal("disabled");
      expect(writes().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["PATCH 200"]);
      expect(emulator.admin.getToken(registryId, outs.tokenId as string)?.properties.status).to.equal(
        "disabled",
      );
      inputs = checked.inputs;
      outs = updated;
    });

    it("updates scopes and expiry in one PATCH each, and removes the expiry with null", async () => {
      const expiry = new Date(Date.now() + 48 * 3600_000).toISOString();
      const scopes = [{ name: "app/*", type: "repository", actions: ["push", "pull"] }];
      for (const change of [{ scopes }, { expiryDate: expiry }, { expiryDate: null }]) {
        emulator.clearRequests();
        const checked = await host.check(inputs, program({ status: "disabled", scopes, ...change }));
        expect(checked.failures).to.deep.equal([]);
        expect((await host.diff(id, outs, checked.inputs)).replaces).to.deep.equal([]);
        outs = await host.update(id, outs, checked.inputs);
        inputs = checked.inputs;
        expect(writes().map((r) => r.method)).to.deep.equal(["PATCH"]);
        expect(outs.password).to.equal(passwordsSeen[0]);
      }
      const live = emulator.admin.getToken(registryId, outs.tokenId as string)!;
      expect(live.properties.expiryDate).to.equal(null);
      expect(live.properties.scopes).to.deep.equal([
        { name: "app/*", type: "repository", actions: ["pull", "push"] },
      ]);
    });

    it("detects out-of-band changes on refresh, and an update restores the declared values", async () => {
      const tokenId = outs.tokenId as string;
      const expiry = new Date(Date.now() + 72 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
      emulator.admin.patchToken(registryId, tokenId, {
        status: "enabled",
        scopes: [{ name: "*", type: "registry", actions: ["pull"] }],
        expiryDate: expiry,
      });
      const read = await host.read(id, outs, inputs);
      expect(read.properties).to.deep.include({
        status: "enabled",
        expiryDate: expiry,
        password: outs.password,
      });
      expect(read.properties.scopes).to.deep.equal([{ name: "*", type: "registry", actions: ["pull"] }]);
      const diff = await host.diff(id, read.properties, inputs);
      expect(diff).to.deep.include({ changes: DIFF_SOME, replaces: [] });
      emulator.clearRequests();
      outs = await host.update(id, read.properties, inputs);
      expect(writes().map((r) => r.method)).to.deep.equal(["PATCH"]);
      const live = emulator.admin.getToken(registryId, tokenId)!;
      expect(live.properties.status).to.equal("disabled");
      expect(live.properties.expiryDate).to.equal(null);
      expect(live.properties.scopes).to.deep.equal([
        { name: "app/*", type: "repository", actions: ["pull", "push"] },
      ]);
      expect(outs.password).to.equal(passwordsSeen[0]);
    });

    it("recreates a token deleted out of band during an update, at the same id, with a new secret password", async () => {
      const tokenId = outs.tokenId as string;
      emulator.admin.deleteToken(registryId, tokenId);
      const checked = await host.check(inputs, program({ status: "enabled", scopes: inputs.scopes }));
      outs = await host.update(id, outs, checked.inputs);
      inputs = checked.inputs;
      expect(writes().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["PATCH 404", "PUT 201"]);
      expect(outs.tokenId).to.equal(tokenId);
      expect(outs.password).to.be.a("string").and.not.equal(passwordsSeen[0]).and.not.equal("");
      passwordsSeen.push(outs.password as string);
      expect(emulator.admin.getToken(registryId, tokenId)?.properties.status).to.equal("enabled");
    });
  });

  describe("replacement", () => {
    it("replaces on a rename and creates the new token first (the new name is free)", async () => {
      const first = await up(program({ name: "fixed-name" }));
      const checked = await host.check(first.inputs, program({ name: "new-name" }));
      const diff = await host.diff(first.id, first.outs, checked.inputs);
      expect(diff).to.deep.equal({ changes: DIFF_SOME, replaces: ["name"], deleteBeforeReplace: false });
      const second = await up(program({ name: "new-name" }));
      const names = emulator.admin.listTokens(registryId).map((t) => t.properties.name);
      expect(names).to.include.members(["fixed-name", "new-name"]);
      await host.delete(first.id, first.outs);
      await host.delete(second.id, second.outs);
    });

    it("deletes first when a replacement keeps a user-chosen name (a second POST would hit 409)", async () => {
      const first = await up(program({ name: "pinned" }));
      const checked = await host.check(first.inputs, program({ name: "pinned" }));
      expect((await host.diff(first.id, first.outs, checked.inputs)).deleteBeforeReplace).to.equal(true);
      const clash = await host.create(checked.inputs).catch((e: Error) => e);
      expect(clash).to.be.instanceOf(Error);
      expect((clash as Error).message).to.match(
        new RegExp(`A token named "pinned" \\(${first.id.split("/")[1]}\\) already exists`),
      );
      await host.delete(first.id, first.outs);
    });

    it("moves an autonamed token to another registry by creating first", async () => {
      const first = await up(program());
      // The engine checks against the old inputs, diffs, then re-checks with no olds for the replacement.
      const checked = await host.check(first.inputs, program({ registryId: otherRegistryId }));
      expect(checked.inputs.name).to.equal(first.outs.name);
      const diff = await host.diff(first.id, first.outs, checked.inputs);
      expect(diff).to.deep.equal({
        changes: DIFF_SOME,
        replaces: ["registryId"],
        deleteBeforeReplace: false,
      });
      const fresh = await host.check({}, program({ registryId: otherRegistryId }));
      const moved = await host.create(fresh.inputs);
      expect(emulator.admin.getToken(otherRegistryId, moved.properties.tokenId as string)).to.exist;
      expect(emulator.admin.getToken(registryId, first.outs.tokenId as string)).to.exist;
      await host.delete(first.id, first.outs);
      await host.delete(moved.id, moved.properties);
    });
  });

  describe("RegistryToken.get (read from the ID alone)", () => {
    it("reads the token with an empty password, without a notice on every read", async () => {
      const created = await up(program({ name: "adopted" }));
      const read = await host.read(created.id, {}, { __provider: registered.provider });
      expect(read.id).to.equal(created.id);
      expect(read.properties).to.deep.include({
        registryId,
        name: "adopted",
        password: "",
        tokenId: created.outs.tokenId,
      });
      expect(host.output()).to.not.match(/cannot be\s+recovered|password/);
      await host.delete(created.id, created.outs);
    });
  });

  describe("secrets", () => {
    it("never prints a token password or the API credential", () => {
      expect(passwordsSeen.length).to.be.greaterThan(1);
      const printed = host.output();
      for (const secret of [...passwordsSeen, API_TOKEN]) expect(printed).to.not.include(secret);
    });
  });
});

describe("RegistryToken provider settings through the host", function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let registered: RegisteredToken;
  const USER = "ops@example.com";
  const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;

  before(async () => {
    emulator = await startEmulator({
      credentials: { username: USER, password: PASSWORD },
      registries: [{ name: "main" }],
    });
    registered = await registerToken("basic", { registryId: emulator.registries[0].id, name: "basic-auth" });
  });
  after(() => emulator?.close());
  beforeEach(() => emulator.clearRequests());

  async function createWith(configure: Record<string, string>, env: Record<string, string> = {}) {
    const host = await startProviderHost({ env });
    try {
      await host.configure(configure);
      const { inputs } = await host.check({}, { ...registered.inputs, __provider: registered.provider });
      const result = await host.create(inputs).catch((e: Error) => e);
      return { result, output: host.output() };
    } finally {
      await host.close();
    }
  }

  it("authenticates with username and password from the environment (Basic)", async () => {
    const { result } = await createWith(
      {},
      { IONOS_USERNAME: USER, IONOS_PASSWORD: PASSWORD, IONOS_API_URL: emulator.url },
    );
    expect(result).to.not.be.instanceOf(Error);
    const { id, properties } = result as { id: string; properties: Props };
    expect(properties.password).to.be.a("string").and.not.equal("");
    const host = await startProviderHost({
      env: { IONOS_USERNAME: USER, IONOS_PASSWORD: PASSWORD, IONOS_API_URL: emulator.url },
    });
    try {
      await host.configure({});
      await host.delete(id, properties);
    } finally {
      await host.close();
    }
  });

  it("reports wrong credentials as a clear 401 without echoing them", async () => {
    const wrong = `wrong-${randomBytes(8).toString("hex")}`;
    const { result, output } = await createWith({
      "ionoscloud:token": wrong,
      "ionoscloud:endpoint": emulator.url,
    });
    expect((result as Error).message).to.match(/registriesTokensPost .* HTTP 401/);
    expect((result as Error).message + output).to.not.include(wrong);
  });
});
