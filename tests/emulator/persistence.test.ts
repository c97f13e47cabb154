import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { EmulatorApi, tokensPath } from "../support/emulatorClient";

describe("emulator: persistence (--data)", () => {
  let dir: string;
  let file: string;
  let running: RunningEmulator | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-data-"));
    file = path.join(dir, "state.json");
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (extra: Parameters<typeof startEmulator>[0] = {}) => {
    running = await startEmulator({ dataFile: file, registries: [{ name: "kept" }], ...extra });
    return { emu: running, api: new EmulatorApi(running.url) };
  };

  it("keeps registries and tokens across a restart, reusing the seeded registry by name", async () => {
    const first = await start();
    const registryId = first.emu.registries[0]?.id as string;
    const created = await first.api.createToken(registryId, {
      name: "durable",
      scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
      expiryDate: "2099-01-01T00:00:00Z",
    });
    await first.api.patch(tokensPath(registryId, created.json.id), { status: "disabled" });
    const extra = await first.api.post("/registries", {
      properties: { name: "added-later", location: "de/txl" },
    });
    const before = (await first.api.get(tokensPath(registryId, created.json.id))).json;
    await first.emu.close();

    const second = await start();
    expect(second.emu.registries).to.deep.equal([
      { id: registryId, name: "kept", hostname: "kept.cr.ionos.com" },
    ]);
    const after = await second.api.get(tokensPath(registryId, created.json.id));
    expect(after.status).to.equal(200);
    expect(after.json).to.deep.equal(before);
    expect((await second.api.get(`/registries/${extra.json.id}`)).status).to.equal(200);
    expect((await second.api.createToken(registryId, { name: "durable" })).status).to.equal(409);
    expect(second.emu.admin.listRegistries()).to.have.length(2);
  });

  it("writes every change at once, atomically, without passwords or leftover temp files", async () => {
    const { emu, api } = await start();
    const registryId = emu.registries[0]?.id as string;
    const created = await api.createToken(registryId, { name: "on-disk" });
    const onDisk = JSON.parse(fs.readFileSync(file, "utf8")) as {
      version: number;
      tokens: Array<{ name: string }>;
    };
    expect(onDisk.version).to.equal(1);
    expect(onDisk.tokens.map((t) => t.name)).to.deep.equal(["on-disk"]);
    expect(fs.readFileSync(file, "utf8")).to.not.include(created.json.properties.credentials.password);
    await api.delete(tokensPath(registryId, created.json.id));
    expect((JSON.parse(fs.readFileSync(file, "utf8")) as { tokens: unknown[] }).tokens).to.deep.equal([]);
    expect(fs.readdirSync(dir)).to.deep.equal(["state.json"]);
  });

  it("creates missing parent folders of the data file", async () => {
    file = path.join(dir, "nested", "deeper", "state.json");
    const { emu } = await start();
    expect(fs.existsSync(file)).to.equal(true);
    expect(emu.registries.map((r) => r.name)).to.deep.equal(["kept"]);
  });

  it("refuses to start on a corrupt or foreign file, and leaves it untouched", async () => {
    for (const content of [
      "{not json",
      '{"version": 99, "registries": [], "tokens": []}',
      '{"version":1,"registries":[{}],"tokens":[]}',
    ]) {
      fs.writeFileSync(file, content);
      let error: unknown;
      await startEmulator({ dataFile: file }).then(
        (started) => started.close(), // it started after all: closed, and the expectation below fails
        (err: unknown) => (error = err),
      );
      expect(String(error)).to.include(file);
      expect(fs.readFileSync(file, "utf8")).to.equal(content);
    }
  });

  it("rolls back a change that cannot be written and answers 500", async () => {
    const errors: unknown[] = [];
    const { emu, api } = await start({ onError: (err) => errors.push(err) });
    const registryId = emu.registries[0]?.id as string;
    fs.rmSync(dir, { recursive: true, force: true }); // the next write fails: its folder is gone
    const res = await api.createToken(registryId, { name: "lost" });
    expect(res.status).to.equal(500);
    expect(res.json).to.deep.equal({
      httpStatus: 500,
      messages: [{ errorCode: "INTERNAL_ERROR", message: "internal emulator error" }],
    });
    expect(emu.admin.listTokens(registryId)).to.deep.equal([]);
    expect(errors).to.have.length(1);
  });

  it("seeds a registry with a chosen id and reuses it by id", async () => {
    const id = "12345678-90ab-4cde-8f01-234567890abc";
    const first = await start({ registries: [{ name: "by-id", id: id.toUpperCase(), location: "es/vit" }] });
    expect(first.emu.registries).to.deep.equal([{ id, name: "by-id", hostname: "by-id.cr.ionos.com" }]);
    expect(first.emu.admin.listRegistries()[0]?.properties.location).to.equal("es/vit");
    await first.emu.close();
    const second = await start({ registries: [{ name: "by-id", id }] });
    expect(second.emu.registries).to.deep.equal([{ id, name: "by-id", hostname: "by-id.cr.ionos.com" }]);
    expect(second.emu.admin.listRegistries()).to.have.length(1);
  });

  it("rejects an invalid seed registry at start", async () => {
    let error: unknown;
    await startEmulator({ registries: [{ name: "Not Valid" }] }).then(
      (started) => started.close(), // it started after all: closed, and the expectation below fails
      (err: unknown) => (error = err),
    );
    expect(String(error)).to.include("properties.name");
  });
});
