import { expect } from "chai";
import { tokensPath } from "../support/emulatorClient";
import { useEmulator } from "../support/emulatorFixture";

const HOUR = 3_600_000;

describe("emulator: token expiry (injected clock)", () => {
  const f = useEmulator();

  it("deletes a token once its expiry is reached: gone from GET, list, PATCH, DELETE and admin", async () => {
    const token = (await f.api.createToken(f.registryId, { name: "short", expiryDate: f.clock.isoIn(HOUR) }))
      .json;
    const keeper = (await f.api.createToken(f.registryId, { name: "keeper" })).json;
    f.clock.advance(HOUR - 1000);
    expect((await f.api.get(tokensPath(f.registryId, token.id))).status).to.equal(200);
    f.clock.advance(1000);
    expect((await f.api.get(tokensPath(f.registryId, token.id))).status).to.equal(404);
    const list = await f.api.get(tokensPath(f.registryId));
    expect(list.json.items.map((t: { id: string }) => t.id)).to.deep.equal([keeper.id]);
    expect(list.json.total).to.equal(1);
    expect((await f.api.patch(tokensPath(f.registryId, token.id), { status: "disabled" })).status).to.equal(
      404,
    );
    expect((await f.api.delete(tokensPath(f.registryId, token.id))).status).to.equal(404);
    expect(f.emu.admin.getToken(f.registryId, token.id)).to.equal(undefined);
  });

  it("frees the name of an expired token", async () => {
    await f.api.createToken(f.registryId, { name: "reuse", expiryDate: f.clock.isoIn(HOUR) });
    expect((await f.api.createToken(f.registryId, { name: "reuse" })).status).to.equal(409);
    f.clock.advance(2 * HOUR);
    expect((await f.api.createToken(f.registryId, { name: "reuse" })).status).to.equal(201);
  });

  it("keeps a token whose expiry was cleared, and honours an extended expiry", async () => {
    const a = (await f.api.createToken(f.registryId, { name: "cleared", expiryDate: f.clock.isoIn(HOUR) }))
      .json;
    const b = (await f.api.createToken(f.registryId, { name: "extended", expiryDate: f.clock.isoIn(HOUR) }))
      .json;
    await f.api.patch(tokensPath(f.registryId, a.id), { expiryDate: null });
    await f.api.patch(tokensPath(f.registryId, b.id), { expiryDate: f.clock.isoIn(3 * HOUR) });
    f.clock.advance(2 * HOUR);
    expect((await f.api.get(tokensPath(f.registryId, a.id))).status).to.equal(200);
    expect((await f.api.get(tokensPath(f.registryId, b.id))).status).to.equal(200);
    f.clock.advance(HOUR);
    expect((await f.api.get(tokensPath(f.registryId, b.id))).status).to.equal(404);
  });

  it("deletes at once when drift sets a past expiry out of band", async () => {
    const token = (await f.api.createToken(f.registryId, { name: "drifted" })).json;
    f.emu.admin.patchToken(f.registryId, token.id, { expiryDate: "2020-01-01T00:00:00Z" });
    expect(f.emu.admin.getToken(f.registryId, token.id)).to.equal(undefined);
    expect((await f.api.get(tokensPath(f.registryId, token.id))).status).to.equal(404);
  });

  it("emits every timestamp as YYYY-MM-DDTHH:MM:SSZ", async () => {
    f.clock.advance(123); // a sub-second clock must not leak milliseconds into metadata
    const token = (
      await f.api.createToken(f.registryId, { name: "stamps", expiryDate: "2031-05-06T07:08:09.999+01:30" })
    ).json;
    f.clock.advance(1500);
    const patched = (await f.api.patch(tokensPath(f.registryId, token.id), { status: "disabled" })).json;
    expect(patched.properties.expiryDate).to.equal("2031-05-06T05:38:09Z");
    expect(patched.metadata.createdDate).to.equal("2030-01-01T00:00:00Z");
    expect(patched.metadata.lastModifiedDate).to.equal("2030-01-01T00:00:01Z");
  });
});
