import { expect } from "chai";
import { tokensPath } from "../support/emulatorClient";
import { useEmulator } from "../support/emulatorFixture";

describe("emulator: tokens list pagination", () => {
  const f = useEmulator();
  const names = ["p-0", "p-1", "p-2", "p-3", "p-4"];

  beforeEach(async () => {
    for (const name of names) expect((await f.api.createToken(f.registryId, { name })).status).to.equal(201);
  });

  const list = async (query: string) => f.api.get(`${tokensPath(f.registryId)}${query}`);
  const link = (offset: number, limit: number) =>
    `${f.emu.url}${tokensPath(f.registryId)}?offset=${offset}&limit=${limit}`;
  const namesOf = (items: Array<{ properties: { name: string } }>) => items.map((t) => t.properties.name);

  it("defaults to offset 0 and limit 100", async () => {
    const res = await list("");
    expect(res.json).to.include({ offset: 0, limit: 100, count: 5, total: 5 });
    expect(res.json._links).to.deep.equal({ self: link(0, 100), next: "", previous: "" });
    expect(res.json.href).to.equal(link(0, 100));
    expect(res.json.type).to.equal("collection");
  });

  it("pages through with next and previous links", async () => {
    const first = await list("?limit=2");
    expect(namesOf(first.json.items)).to.deep.equal(["p-0", "p-1"]);
    expect(first.json._links).to.deep.equal({ self: link(0, 2), next: link(2, 2), previous: "" });
    const second = await f.api.get(first.json._links.next.slice(f.emu.url.length));
    expect(namesOf(second.json.items)).to.deep.equal(["p-2", "p-3"]);
    expect(second.json._links).to.deep.equal({ self: link(2, 2), next: link(4, 2), previous: link(0, 2) });
    const third = await list("?offset=4&limit=2");
    expect(namesOf(third.json.items)).to.deep.equal(["p-4"]);
    expect(third.json).to.include({ count: 1, total: 5, offset: 4, limit: 2 });
    expect(third.json._links.next).to.equal("");
    expect(third.json._links.previous).to.equal(link(2, 2));
  });

  it("clamps previous at 0 for an offset that is not a multiple of the limit", async () => {
    const res = await list("?offset=1&limit=3");
    expect(namesOf(res.json.items)).to.deep.equal(["p-1", "p-2", "p-3"]);
    expect(res.json._links.previous).to.equal(link(0, 3));
  });

  it("answers an empty page for an offset past the end", async () => {
    const res = await list("?offset=50");
    expect(res.status).to.equal(200);
    expect(res.json).to.include({ count: 0, total: 5, offset: 50 });
    expect(res.json.items).to.deep.equal([]);
    expect(res.json._links.next).to.equal("");
    expect(res.json._links.previous).to.equal(link(0, 100));
  });

  it("answers only the total for limit 0, without a next link that would loop", async () => {
    const res = await list("?limit=0&offset=2");
    expect(res.status).to.equal(200);
    expect(res.json).to.include({ count: 0, total: 5, limit: 0 });
    expect(res.json._links).to.include({ next: "", previous: "" });
  });

  it("accepts the largest limit (1000) and leading zeros", async () => {
    expect((await list("?limit=1000")).json.count).to.equal(5);
    expect((await list("?offset=003&limit=002")).json).to.include({ offset: 3, limit: 2, count: 2 });
  });

  const bad: Array<[string, string]> = [
    ["?limit=1001", "limit"],
    ["?limit=99999999999999999999", "limit"],
    ["?limit=-1", "limit"],
    ["?offset=-1", "offset"],
    ["?limit=abc", "limit"],
    ["?offset=1.5", "offset"],
    ["?limit=", "limit"],
    ["?limit=1e2", "limit"],
    ["?limit=+5", "limit"],
    ["?limit=%205", "limit"],
    ["?offset=0x10", "offset"],
    ["?limit=1&limit=2", "limit"],
  ];
  for (const [query, field] of bad) {
    it(`answers 400 naming ${field} for ${query}`, async () => {
      const res = await list(query);
      expect(res.status, res.text).to.equal(400);
      expect(res.json.messages[0].message.startsWith(`${field}:`)).to.be.true;
    });
  }

  it("ignores unknown query parameters", async () => {
    expect((await list("?depth=1&pretty=true")).status).to.equal(200);
  });

  it("counts only live tokens after a deletion", async () => {
    const first = (await list("?limit=1")).json.items[0];
    await f.api.delete(tokensPath(f.registryId, first.id));
    expect((await list("")).json).to.include({ total: 4, count: 4 });
  });
});
