import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type Scope } from "../../emulator";
import { findRegistryBinary } from "../../emulator/registry/binary";
import { EmulatorApi, tokensPath } from "../support/emulatorClient";
import { getWithToken, registryServerPid, waitFor } from "../support/registryProcesses";
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

  it("a bearer token issued for one registry is refused by another", async () => {
    const pusher = await token("pusher", PUSH_ALL);
    expectSuccess(await push(image.layout, ref("app"), pusher.authFile));
    // The other registry holds app:1 too, so only the audience can make the difference.
    const otherPusher = await token("pusher", PUSH_ALL, {}, otherRegistry);
    expectSuccess(await push(image.layout, ref("app", "1", otherRegistry), otherPusher.authFile));
    const own = await getWithToken(`http://${registry.hostname}/v2/app/tags/list`, "pusher", pusher.password);
    expect(own.status).to.equal(200);
    const replayed = await getWithToken(
      `http://${otherRegistry.hostname}/v2/app/tags/list`,
      "",
      "",
      own.bearer,
    );
    expect(replayed.status).to.equal(401);
  });

  it("team/* covers team/api but not team/api/v2 (the registry decides)", async () => {
    const team = await token("team", [{ name: "team/*", type: "repository", actions: ["pull", "push"] }]);
    expectSuccess(await push(image.layout, ref("team/api"), team.authFile));
    expectDenied(await push(image.layout, ref("team/api/v2"), team.authFile), SCOPE_DENIED);
    expectDenied(await push(image.layout, ref("teams/api"), team.authFile), SCOPE_DENIED);
  });

  it("a registry server that dies is reported and started again by the next request for it", async () => {
    await emu.close();
    const warnings: string[] = [];
    emu = await startEmulator({
      serveRegistry: true,
      registries: [{ name: "fragile" }],
      onWarning: (m) => warnings.push(m),
    });
    api = new EmulatorApi(emu.url);
    const first = emu.registries[0] as typeof registry;
    const pid = registryServerPid(first.hostname);
    process.kill(pid, "SIGKILL");
    await waitFor(() => warnings.length > 0);
    expect(warnings[0]).to.include(`the registry server of 'fragile' at ${first.hostname} exited`);
    const again = await api.get(`/registries/${first.id}`);
    const hostname = again.json.properties.hostname as string;
    expect(hostname).to.match(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`http://${hostname}/v2/`)).status).to.equal(401);
  });

  it("a registry deleted through the API: its server stops, its images go, its logins end", async () => {
    await emu.close();
    const storageDir = path.join(tmp, "storage");
    emu = await startEmulator({ serveRegistry: { storageDir } });
    api = new EmulatorApi(emu.url);
    const created = await api.post("/registries", {
      properties: { name: "short-lived", location: "de/fra" },
    });
    expect(created.status).to.equal(201);
    const doomed = { id: created.json.id as string, hostname: created.json.properties.hostname as string };
    const pusher = await token("pusher", PUSH_ALL, {}, doomed);
    expectSuccess(await push(image.layout, ref("app", "1", doomed), pusher.authFile));
    expect(fs.readdirSync(storageDir)).to.deep.equal([doomed.id]);
    expect((await api.delete(`/registries/${doomed.id}`)).status).to.equal(204);
    const refused = await fetch(`http://${doomed.hostname}/v2/`).then(
      () => "answered",
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(refused).to.equal("ECONNREFUSED");
    expect(fs.readdirSync(storageDir)).to.deep.equal([]);
    const login = await fetch(
      `${new URL(emu.url).origin}/registry-auth/token?service=${doomed.hostname}&scope=repository:app:pull`,
      { headers: { Authorization: `Basic ${Buffer.from(`pusher:${pusher.password}`).toString("base64")}` } },
    );
    expect(login.status).to.equal(400);
  });

  it("a registry whose server cannot start is not created, through the API or the admin route", async () => {
    await emu.close();
    const storageDir = path.join(tmp, "failing-storage");
    const failNow = path.join(tmp, "fail-now");
    const wrapper = path.join(tmp, "flaky-registry.sh");
    // A registry binary that works until told to fail.
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\n[ -e ${failNow} ] && { echo "simulated failure" >&2; exit 1; }\nexec ${findRegistryBinary()} "$@"\n`,
      { mode: 0o755 },
    );
    const warnings: string[] = [];
    emu = await startEmulator({
      serveRegistry: { binary: wrapper, storageDir },
      registries: [{ name: "works" }],
      onWarning: (message) => warnings.push(message),
    });
    api = new EmulatorApi(emu.url);
    fs.writeFileSync(failNow, "");
    const created = await api.post("/registries", { properties: { name: "wont-start", location: "de/fra" } });
    expect(created.status).to.equal(503);
    expect(created.json.messages[0].message).to.include(
      "the registry server for 'wont-start' did not start: registry server",
    );
    expect(created.json.messages[0].message).to.include("simulated failure");
    const viaAdmin = await fetch(`${new URL(emu.url).origin}/_emulator/registries`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "wont-start-either" }),
    });
    expect(viaAdmin.status).to.equal(503);
    expect(warnings.join("\n")).to.include("simulated failure");
    expect(emu.admin.listRegistries().map((r) => r.properties.name)).to.deep.equal(["works"]);
    expect(fs.readdirSync(storageDir)).to.deep.equal([emu.registries[0]?.id]);
    fs.rmSync(failNow);
    const made = await fetch(`${new URL(emu.url).origin}/_emulator/registries`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "starts-now" }),
    });
    const body = (await made.json()) as { hostname: string };
    expect(made.status).to.equal(201);
    expect((await fetch(`http://${body.hostname}/v2/`)).status).to.equal(401);
  });

  it("a registry scope lists the catalog; a repository scope does not", async () => {
    const pusher = await token("pusher", PUSH_ALL);
    expectSuccess(await push(image.layout, ref("team/api"), pusher.authFile));
    const catalog = await token("catalog", [{ name: "catalog", type: "registry", actions: ["pull"] }]);
    const catalogUrl = `http://${registry.hostname}/v2/_catalog`;
    const listed = await getWithToken(catalogUrl, "catalog", catalog.password);
    expect({ status: listed.status, body: listed.body }).to.deep.equal({
      status: 200,
      body: { repositories: ["team/api"] },
    });
    expect((await getWithToken(catalogUrl, "pusher", pusher.password)).status).to.equal(401);
  });

  it("logs every decision without a password, and answers 401 without credentials", async () => {
    const pusher = await token("pusher", PUSH_APP);
    expectSuccess(await push(image.layout, ref("app"), pusher.authFile));
    const anonymous = await fetch(
      `${new URL(emu.url).origin}/registry-auth/token?service=${registry.hostname}`,
    );
    expect(anonymous.status).to.equal(401);
    // containerd's OAuth POST gets 405, on which it falls back to GET.
    const posted = await fetch(`${new URL(emu.url).origin}/registry-auth/token`, { method: "POST" });
    expect(posted.status).to.equal(405);
    expect(posted.headers.get("allow")).to.equal("GET");
    const decisions = emu.authDecisions();
    expect(decisions.at(-1)).to.include({ outcome: "denied", reason: "no Basic credentials" });
    expect(JSON.stringify(decisions)).to.not.include(pusher.password);
    for (const d of decisions) expect(d.registry).to.deep.equal({ id: registry.id, name: "reg-one" });
  });
});
