import { expect } from "chai";
import { startHostSession, type HostResource, type HostSession } from "../support/hostSession";

const COUNT = 200;
const API_TOKEN = "concurrency-api-token";

/** What resource `i` declares in `generation`: everything differs per resource, so cross-talk shows. */
function declared(i: number, generation: number) {
  return {
    name: `conc-${i}`,
    status: (i + generation) % 2 === 0 ? ("enabled" as const) : ("disabled" as const),
    scopes: [{ name: `repo-${i}-g${generation}/*`, type: "repository" as const, actions: ["pull" as const] }],
  };
}

/**
 * Hundreds of operations at once through ONE provider host, i.e. one deserialized provider instance and one
 * API client: every resource must get its own token and password, and never see another's.
 */
describe(`concurrency: ${COUNT} resources at once through one provider host`, function () {
  this.timeout(60_000);
  let session: HostSession;
  let registryId: string;
  const resources = new Map<number, HostResource>();
  const passwords = new Map<number, string>();

  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  const live = (r: HostResource) => session.emulator.admin.getToken(registryId, String(r.outs.tokenId));

  /** The resource's outputs and its live token hold exactly what resource `i` declared, and its own password. */
  function expectOwn(i: number, generation: number, r: HostResource): void {
    const want = declared(i, generation);
    expect(r.outs, `resource ${i}`).to.deep.include({
      name: want.name,
      username: want.name,
      status: want.status,
    });
    expect(r.outs.scopes).to.deep.equal(want.scopes);
    expect(r.outs.password, `password of ${i}`).to.equal(passwords.get(i));
    const token = live(r);
    expect(token?.properties.name).to.equal(want.name);
    expect(token?.properties.status).to.equal(want.status);
    expect(token?.properties.scopes).to.deep.equal(want.scopes);
    expect(r.id).to.equal(`${registryId}/${token?.id}`);
  }

  async function create(i: number): Promise<void> {
    const r = await session.up({ registryId, ...declared(i, 0) });
    resources.set(i, r);
    passwords.set(i, r.outs.password as string);
  }

  before(async () => {
    session = await startHostSession({
      emulator: { credentials: { token: API_TOKEN }, registries: [{ name: "concurrency" }] },
      config: { "ionoscloud:token": API_TOKEN },
    });
    registryId = session.emulator.registries[0].id;
  });
  after(async () => {
    await session?.close();
  });

  it(`creates ${COUNT} tokens concurrently: one POST each, distinct ids and passwords`, async () => {
    session.emulator.clearRequests();
    await Promise.all(range(0, COUNT).map(create));
    const log = session.emulator.requests();
    expect(log.map((r) => `${r.method} ${r.status}`)).to.deep.equal(Array(COUNT).fill("POST 201"));
    const all = [...resources.values()];
    expect(new Set(all.map((r) => r.id)).size).to.equal(COUNT);
    expect(new Set(passwords.values()).size).to.equal(COUNT);
    for (const p of passwords.values()) expect(p).to.be.a("string").with.length.greaterThan(8);
    for (const [i, r] of resources) expectOwn(i, 0, r);
  });

  it(`updates ${COUNT / 2}, deletes ${COUNT / 2} and creates ${COUNT / 2} more, all at the same time`, async () => {
    session.emulator.clearRequests();
    const updates = range(0, COUNT / 2).map(async (i) => {
      resources.set(i, await session.change(resources.get(i)!, { registryId, ...declared(i, 1) }));
    });
    const deletes = range(COUNT / 2, COUNT).map(async (i) => {
      const r = resources.get(i)!;
      await session.host.delete(r.id, r.outs);
      resources.delete(i);
    });
    const creates = range(COUNT, COUNT + COUNT / 2).map(create);
    await Promise.all([...updates, ...deletes, ...creates]);

    const tally = (method: string) => session.emulator.requests().filter((r) => r.method === method).length;
    expect([tally("PATCH"), tally("DELETE"), tally("POST"), tally("PUT")]).to.deep.equal([
      COUNT / 2,
      COUNT / 2,
      COUNT / 2,
      0,
    ]);
    for (const i of range(0, COUNT / 2)) expectOwn(i, 1, resources.get(i)!);
    for (const i of range(COUNT, COUNT + COUNT / 2)) expectOwn(i, 0, resources.get(i)!);
    expect(new Set(passwords.values()).size).to.equal(COUNT + COUNT / 2);
    expect(session.emulator.admin.listTokens(registryId)).to.have.length(COUNT);
  });

  it(`refreshes all ${COUNT} concurrently: each read returns its own token and keeps its own password`, async () => {
    const reads = await Promise.all(
      [...resources].map(async ([i, r]) => ({ i, read: await session.host.read(r.id, r.outs, r.inputs) })),
    );
    for (const { i, read } of reads) {
      const r = resources.get(i)!;
      expect(read.id).to.equal(r.id);
      expect(read.properties).to.deep.equal(r.outs);
    }
  });

  it(`deletes all ${COUNT} concurrently and leaves the registry empty`, async () => {
    await Promise.all([...resources.values()].map((r) => session.host.delete(r.id, r.outs)));
    expect(session.emulator.admin.listTokens(registryId)).to.deep.equal([]);
  });
});
