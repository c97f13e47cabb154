import { expect } from "chai";
import type { Scope } from "../../emulator";
import { grantAccess, nameMatches, parseRequestedScopes } from "../../emulator/registry/scopes";

const repo = (name: string, ...actions: string[]): Scope => ({ name, type: "repository", actions });

describe("registry emulation: scopes granted to a token", () => {
  it("parses repeated and space-separated scope values, drops resource classes and malformed entries", () => {
    expect(
      parseRequestedScopes([
        "repository:app:pull,push",
        "repository(plugin):tools/x:pull registry:catalog:*",
        "repository:host:5000/app:pull",
        "nonsense",
        "repository::pull",
        "repository:app:",
      ]),
    ).to.deep.equal([
      { type: "repository", name: "app", actions: ["pull", "push"] },
      { type: "repository", name: "tools/x", actions: ["pull"] },
      { type: "registry", name: "catalog", actions: ["*"] },
      { type: "repository", name: "host:5000/app", actions: ["pull"] },
    ]);
  });

  it("grants the requested actions the matching scopes list, and nothing else", () => {
    const asked = parseRequestedScopes(["repository:app:pull,push", "repository:other:pull"]);
    expect(grantAccess([repo("app", "pull")], asked)).to.deep.equal([
      { type: "repository", name: "app", actions: ["pull"] },
      { type: "repository", name: "other", actions: [] },
    ]);
    expect(grantAccess([repo("app", "pull"), repo("app", "push")], asked)[0]?.actions).to.deep.equal([
      "pull",
      "push",
    ]);
    expect(grantAccess([], asked).flatMap((a) => a.actions)).to.deep.equal([]);
    expect(
      grantAccess([{ name: "app", type: "registry", actions: ["pull"] }], asked).flatMap((a) => a.actions),
    ).to.deep.equal([]);
  });

  it("reads * alone as every repository, and * inside a name as any run of characters but /", () => {
    const can = (pattern: string, name: string): boolean =>
      grantAccess([repo(pattern, "pull")], [{ type: "repository", name, actions: ["pull"] }])[0]!.actions
        .length > 0;
    expect(can("*", "team/api/v2")).to.equal(true);
    expect(can("team/*", "team/api")).to.equal(true);
    expect(can("team/*", "team/api/v2")).to.equal(false);
    expect(can("team/*", "teams/api")).to.equal(false);
    expect(can("*-cache", "build-cache")).to.equal(true);
    expect(can("app", "app")).to.equal(true);
    expect(can("app", "app2")).to.equal(false);
    expect(can("a.p", "axp")).to.equal(false);
    expect(nameMatches("team/*/base", "team/x/base")).to.equal(true);
  });

  it("grants the catalog to a registry scope named catalog (or a pattern of it) only", () => {
    const catalog = parseRequestedScopes(["registry:catalog:*"]);
    const granted = (scopes: Scope[]): string[] => grantAccess(scopes, catalog)[0]!.actions;
    expect(granted([{ name: "catalog", type: "registry", actions: ["pull"] }])).to.deep.equal(["*"]);
    expect(granted([{ name: "*", type: "registry", actions: ["pull"] }])).to.deep.equal(["*"]);
    expect(granted([repo("*", "pull", "push", "delete")])).to.deep.equal([]);
    expect(granted([{ name: "other", type: "registry", actions: ["pull"] }])).to.deep.equal([]);
  });
});
