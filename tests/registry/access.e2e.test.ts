import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type Scope } from "../../emulator";
import { EmulatorApi, tokensPath } from "../support/emulatorClient";
import { TestClock } from "../support/emulatorFixture";
import {
  buildOciImage,
  pull,
  pulledManifestDigest,
  push,
  requireRegistryTools,
  writeAuthFile,
  type OciImage,
  type SkopeoResult,
} from "../../scripts/registryClients";

const HOUR = 3_600_000;
const PUSH_APP: Scope[] = [{ name: "app", type: "repository", actions: ["pull", "push"] }];
const PULL_APP: Scope[] = [{ name: "app", type: "repository", actions: ["pull"] }];
const PUSH_ALL: Scope[] = [{ name: "*", type: "repository", actions: ["pull", "push"] }];
/** What skopeo says when the registry refuses the scope it asked for. */
const SCOPE_DENIED = "denied: requested access to the resource is denied";
/** What skopeo says when the token endpoint refuses the login. */
const LOGIN_DENIED = "unable to retrieve auth token: invalid username/password: unauthorized:";

/**
 * `--serve-registry` with the real clients: Docker Distribution decides with the bearer tokens the emulator
 * issues, skopeo pushes and pulls with a docker config.json, and every answer asserted is the client's own.
 */
describe("registry emulation: Distribution and skopeo with the emulator's tokens", function () {
  this.timeout(120_000);
  let tmp: string;
  let image: OciImage;
  let emu: RunningEmulator;
  let api: EmulatorApi;
  let clock: TestClock;
  let registry: { id: string; hostname: string };
  let otherRegistry: { id: string; hostname: string };

  before(function () {
    this.timeout(600_000); // a cold machine installs the tools first
    requireRegistryTools();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ionos-registry-access-"));
    image = buildOciImage(path.join(tmp, "image"), "hello from the registry emulation tests\n");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeEach(async () => {
    clock = new TestClock();
    emu = await startEmulator({
      clock: clock.fn,
      serveRegistry: true,
      registries: [{ name: "reg-one" }, { name: "reg-two" }],
    });
    api = new EmulatorApi(emu.url);
    registry = emu.registries[0] as typeof registry;
    otherRegistry = emu.registries[1] as typeof registry;
  });
  afterEach(async () => emu.close());

  /** Creates a token through the API; returns its id, password and an auth file for its registry. */
  async function token(
    name: string,
    scopes: Scope[],
    extra: Record<string, unknown> = {},
    at = registry,
  ): Promise<{ id: string; password: string; authFile: string }> {
    const created = await api.createToken(at.id, { name, scopes, ...extra });
    expect(created.status, JSON.stringify(created.json)).to.equal(201);
    const password = created.json.properties.credentials.password as string;
    const authFile = writeAuthFile(
      path.join(tmp, `${name}-${created.json.id}.json`),
      at.hostname,
      name,
      password,
    );
    return { id: created.json.id as string, password, authFile };
  }

  const ref = (repository: string, tag = "1", at = registry): string => `${at.hostname}/${repository}:${tag}`;
  const into = (name: string): string => path.join(tmp, "pulled", name);

  function expectSuccess(result: SkopeoResult): void {
    expect(result.code, result.stderr).to.equal(0);
  }
  function expectDenied(result: SkopeoResult, answer: string): void {
    expect(result.code, result.stdout).to.not.equal(0);
    expect(result.stderr).to.include(answer);
  }

  it("serves each registry on its own loopback address, which the API reports as its hostname", async () => {
    expect(registry.hostname).to.match(/^127\.0\.0\.1:\d+$/);
    expect(otherRegistry.hostname).to.match(/^127\.0\.0\.1:\d+$/);
    expect(registry.hostname).to.not.equal(otherRegistry.hostname);
    const got = await api.get(`/registries/${registry.id}`);
    expect(got.json.properties.hostname).to.equal(registry.hostname);
    const v2 = await fetch(`http://${registry.hostname}/v2/`);
    expect(v2.status).to.equal(401);
    expect(v2.headers.get("www-authenticate")).to.equal(
      `Bearer realm="${new URL(emu.url).origin}/registry-auth/token",service="${registry.hostname}"`,
    );
  });

  it("a push token pushes; a pull token pulls the same manifest", async () => {
    const pusher = await token("pusher", PUSH_APP);
    expectSuccess(await push(image.layout, ref("app"), pusher.authFile));
    const puller = await token("puller", PULL_APP);
    const pulled = await pull(ref("app"), into("app"), puller.authFile);
    expectSuccess(pulled);
    expect(pulledManifestDigest(into("app"))).to.equal(image.manifestDigest);
    const decisions = emu.authDecisions().map((d) => [d.username, d.outcome, d.granted]);
    expect(decisions).to.deep.include(["pusher", "issued", ["repository:app:pull,push"]]);
    expect(decisions).to.deep.include(["puller", "issued", ["repository:app:pull"]]);
  });

  it("the same push with a pull-only token is denied, and nothing lands", async () => {
    const puller = await token("puller", PULL_APP);
    expectDenied(await push(image.layout, ref("app", "from-puller"), puller.authFile), SCOPE_DENIED);
    const pusher = await token("pusher", PUSH_APP);
    expectDenied(await pull(ref("app", "from-puller"), into("none"), pusher.authFile), "manifest unknown");
    const asked = emu.authDecisions().find((d) => d.username === "puller");
    expect(asked?.requested).to.include("repository:app:pull,push");
    expect(asked?.granted).to.deep.equal(["repository:app:pull"]);
  });

  describe("access ends", () => {
    let puller: { id: string; password: string; authFile: string };
    beforeEach(async () => {
      const pusher = await token("pusher", PUSH_ALL);
      expectSuccess(await push(image.layout, ref("app"), pusher.authFile));
      puller = await token("puller", PULL_APP, { expiryDate: clock.isoIn(2 * HOUR) });
      expectSuccess(await pull(ref("app"), into("before"), puller.authFile));
    });

    it("after status: disabled (and comes back when enabled again)", async () => {
      expect((await api.patch(tokensPath(registry.id, puller.id), { status: "disabled" })).status).to.equal(
        200,
      );
      expectDenied(
        await pull(ref("app"), into("disabled"), puller.authFile),
        `${LOGIN_DENIED} token is disabled`,
      );
      expect((await api.patch(tokensPath(registry.id, puller.id), { status: "enabled" })).status).to.equal(
        200,
      );
      expectSuccess(await pull(ref("app"), into("enabled"), puller.authFile));
    });

    it("when its expiry date passes", async () => {
      clock.advance(3 * HOUR);
      expectDenied(await pull(ref("app"), into("expired"), puller.authFile), `${LOGIN_DENIED} no such token`);
    });

    it("after delete", async () => {
      expect((await api.delete(tokensPath(registry.id, puller.id))).status).to.equal(204);
      expectDenied(await pull(ref("app"), into("deleted"), puller.authFile), `${LOGIN_DENIED} no such token`);
    });

    it("for the old password after a rotation (the token replaced under the same name)", async () => {
      expect((await api.delete(tokensPath(registry.id, puller.id))).status).to.equal(204);
      const rotated = await token("puller", PULL_APP);
      expect(rotated.password).to.not.equal(puller.password);
      expectDenied(await pull(ref("app"), into("old"), puller.authFile), `${LOGIN_DENIED} wrong password`);
      expectSuccess(await pull(ref("app"), into("new"), rotated.authFile));
    });
  });

  it("a token scoped to app cannot pull other", async () => {
    const pusher = await token("pusher", PUSH_ALL);
    expectSuccess(await push(image.layout, ref("other"), pusher.authFile));
    expectSuccess(await push(image.layout, ref("app"), pusher.authFile));
    const appOnly = await token("app-only", PULL_APP);
    expectDenied(await pull(ref("other"), into("other"), appOnly.authFile), SCOPE_DENIED);
    expectSuccess(await pull(ref("app"), into("app"), appOnly.authFile));
    expect(emu.authDecisions().find((d) => d.username === "app-only")?.granted).to.deep.equal([]);
  });

  it("a token opens its own registry only, even where a token of the same name exists", async () => {
    const here = await token("ci", PUSH_ALL);
    await token("ci", PUSH_ALL, {}, otherRegistry);
    const elsewhere = writeAuthFile(
      path.join(tmp, "elsewhere.json"),
      otherRegistry.hostname,
      "ci",
      here.password,
    );
    expectDenied(
      await push(image.layout, ref("app", "1", otherRegistry), elsewhere),
      `${LOGIN_DENIED} wrong password`,
    );
    expectSuccess(await push(image.layout, ref("app"), here.authFile));
  });

  it("a registry scope lists the catalog; a repository scope does not", async () => {
    const pusher = await token("pusher", PUSH_ALL);
    expectSuccess(await push(image.layout, ref("team/api"), pusher.authFile));
    const catalog = await token("catalog", [{ name: "catalog", type: "registry", actions: ["pull"] }]);
    expect(await listCatalog(registry.hostname, "catalog", catalog.password)).to.deep.equal({
      status: 200,
      body: { repositories: ["team/api"] },
    });
    expect((await listCatalog(registry.hostname, "pusher", pusher.password)).status).to.equal(401);
  });

  it("logs every decision without a password, and answers 401 without credentials", async () => {
    const pusher = await token("pusher", PUSH_APP);
    expectSuccess(await push(image.layout, ref("app"), pusher.authFile));
    const anonymous = await fetch(
      `${new URL(emu.url).origin}/registry-auth/token?service=${registry.hostname}`,
    );
    expect(anonymous.status).to.equal(401);
    const decisions = emu.authDecisions();
    expect(decisions.at(-1)).to.include({ outcome: "denied", reason: "no Basic credentials" });
    expect(JSON.stringify(decisions)).to.not.include(pusher.password);
    for (const d of decisions) expect(d.registry).to.deep.equal({ id: registry.id, name: "reg-one" });
  });
});

/** The Docker token flow by hand for `GET /v2/_catalog`: challenge, token, retry. */
async function listCatalog(
  host: string,
  username: string,
  password: string,
): Promise<{ status: number; body: unknown }> {
  const challenge = await fetch(`http://${host}/v2/_catalog`);
  const header = challenge.headers.get("www-authenticate") ?? "";
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const url = new URL(params.realm as string);
  url.searchParams.set("service", params.service as string);
  url.searchParams.set("scope", params.scope as string);
  const basic = Buffer.from(`${username}:${password}`).toString("base64");
  const issued = (await (await fetch(url, { headers: { Authorization: `Basic ${basic}` } })).json()) as {
    token: string;
  };
  const answer = await fetch(`http://${host}/v2/_catalog`, {
    headers: { Authorization: `Bearer ${issued.token}` },
  });
  return { status: answer.status, body: await answer.json() };
}
