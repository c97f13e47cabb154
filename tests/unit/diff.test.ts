import { expect } from "chai";
import { diffToken } from "../../provider/rules/diff";
import { UNKNOWN } from "../../provider/rules/unknown";

const olds = {
  registryId: "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17",
  name: "ci",
  namePrefix: null,
  expiryDate: "2030-01-01T00:00:00Z",
  status: "enabled",
  scopes: [
    { name: "*", type: "repository", actions: ["pull"] },
    { name: "app", type: "repository", actions: ["pull", "push"] },
  ],
  tokenId: "8fb592e4-494c-11ed-b878-0242ac120002",
  username: "ci",
  password: "secret-password",
  createdDate: "2029-01-01T00:00:00Z",
  __provider: "old provider code",
};
const news = (() => {
  const { tokenId: _t, username: _u, password: _p, createdDate: _c, ...inputs } = olds;
  return inputs;
})();

describe("diff (diff.ts)", () => {
  it("reports no change for identical inputs, whatever __provider holds", () => {
    expect(diffToken(olds, { ...news, __provider: "new provider code" })).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
      updates: [],
      rotation: null,
    });
  });

  it("compares scopes as sets and actions regardless of order", () => {
    const reordered = [
      { name: "app", type: "repository", actions: ["push", "pull"] },
      { name: "*", type: "repository", actions: ["pull"] },
    ];
    expect(diffToken(olds, { ...news, scopes: reordered }).changes).to.equal(false);
  });

  it("compares dates as instants", () => {
    expect(diffToken(olds, { ...news, expiryDate: "2030-01-01T01:00:00+01:00" }).changes).to.equal(false);
  });

  for (const [key, value] of [
    ["status", "disabled"],
    ["expiryDate", "2031-01-01T00:00:00Z"],
    ["expiryDate", null],
    ["scopes", []],
    ["scopes", [{ name: "*", type: "repository", actions: ["pull", "push"] }]],
  ] as const) {
    it(`updates in place when ${key} becomes ${JSON.stringify(value)}`, () => {
      const d = diffToken(olds, { ...news, [key]: value });
      expect(d).to.deep.include({ changes: true, replaces: [], updates: [key] });
    });
  }

  it("treats a missing status as enabled", () => {
    expect(diffToken({ ...olds, status: undefined }, news).changes).to.equal(false);
  });

  it("replaces on a name change, creating the new token first (the new name is free)", () => {
    expect(diffToken(olds, { ...news, name: "ci2" })).to.deep.include({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
  });

  it("deletes first when a forced replacement keeps a user-chosen name (e.g. pulumi up --replace)", () => {
    // The name would clash with the old token's until it is gone: names are unique per registry.
    expect(diffToken(olds, news).deleteBeforeReplace).to.equal(true);
  });

  it("creates first when a generated name is replaced (the replacement gets a fresh name)", () => {
    const auto = { ...olds, name: "ci-abcd1234", namePrefix: "ci" };
    expect(diffToken(auto, { ...news, name: "ci-abcd1234", namePrefix: "ci" }).deleteBeforeReplace).to.equal(
      false,
    );
  });

  it("replaces on a registry change, creating first", () => {
    const d = diffToken(olds, { ...news, registryId: "2b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17" });
    expect(d).to.deep.include({ changes: true, replaces: ["registryId"], deleteBeforeReplace: false });
  });

  it("counts unknown values as changes, and as replacements for replace keys", () => {
    expect(diffToken(olds, { ...news, status: UNKNOWN })).to.deep.include({
      changes: true,
      replaces: [],
      updates: ["status"],
    });
    expect(
      diffToken(olds, { ...news, scopes: [{ name: UNKNOWN, type: "repository", actions: ["pull"] }] })
        .updates,
    ).to.deep.equal(["scopes"]);
    expect(diffToken(olds, { ...news, name: UNKNOWN })).to.deep.include({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(diffToken(olds, { ...news, registryId: UNKNOWN }).replaces).to.deep.equal(["registryId"]);
  });

  it("ignores output-only properties", () => {
    expect(diffToken({ ...olds, password: "other", createdDate: "x" }, news).changes).to.equal(false);
  });

  describe("a stored value in a shape this provider never writes (an edited or damaged state)", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        "scopes as a string",
        { scopes: "pull" },
        "Cannot compare `scopes` of the stored token (a string) with the program's (a list)",
      ],
      [
        "a scope that is not an object",
        { scopes: [null] },
        "Cannot compare `scopes` of the stored token (a list) with the program's (a list)",
      ],
    ];
    for (const [what, damaged, message] of cases) {
      it(`${what}: an error naming the property and what to do, not a raw TypeError`, () => {
        const call = () => diffToken({ ...olds, ...damaged }, news);
        expect(call).to.throw(Error, message);
        expect(call).to.throw(/`pulumi refresh` reads the token's settings from the API again\.$/);
      });
    }

    it("names kinds, never values (a stored value may be a secret)", () => {
      const secretish = "s3cr3t-value";
      const call = () => diffToken({ ...olds, scopes: secretish }, news);
      expect(call).to.throw(Error).with.property("message").that.does.not.include(secretish);
    });
  });
});
