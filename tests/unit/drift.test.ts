import { expect } from "chai";
import { diffToken } from "../../provider/rules/diff";
import { driftedInputs, scopesInProgramForm } from "../../provider/rules/drift";
import type { RegistryTokenScope, TokenOutputs } from "../../provider/rules/types";
import { checkTokenInputs } from "../../provider/rules/validate";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const NOW = Date.parse("2030-01-01T00:00:00Z");
const scope = (name: string, ...actions: string[]) =>
  ({ name, type: "repository", actions }) as unknown as RegistryTokenScope;

describe("drift in the inputs (drift.ts)", () => {
  it("live scopes keep the declared order and form: only what was added or removed differs", () => {
    const declared = [scope("web", "push", "pull"), scope("app", "pull"), scope("gone", "pull")];
    const live = [scope("app", "pull", "delete"), scope("extra", "pull"), scope("web", "pull", "push")];
    expect(scopesInProgramForm(declared, live)).to.deep.equal([
      scope("web", "push", "pull"),
      scope("app", "pull", "delete"),
      scope("extra", "pull"),
    ]);
  });

  it('an expiry planned from expiresIn that drifted is restored, also under ignoreChanges: ["expiryDate"]', () => {
    const stored = checkTokenInputs({}, { registryId: REGISTRY, name: "ci", expiresIn: "90d" }, NOW).inputs;
    const before = {
      ...stored,
      tokenId: "t",
      username: "ci",
      password: "p",
      createdDate: "2030-01-01T00:00:00Z",
    };
    const live = { ...before, expiryDate: "2031-06-01T00:00:00Z" } as unknown as TokenOutputs;
    // Refresh: the planned expiry is the provider's, so the inputs keep it (no inputs reported).
    expect(driftedInputs(stored, before as never, live)).to.equal(undefined);
    // ignoreChanges ["expiryDate"]: the engine copies the stored (planned) expiry into the program's inputs.
    const news = checkTokenInputs(
      stored,
      { registryId: REGISTRY, name: "ci", expiresIn: "90d", expiryDate: stored.expiryDate },
      NOW + 1000,
    ).inputs;
    expect(news.expiryDate).to.equal(stored.expiryDate);
    expect(diffToken(live as never, news, NOW + 1000)).to.deep.include({
      changes: true,
      updates: ["expiryDate"],
    });
  });

  it("a declared expiryDate that drifted is reported as it now is, so ignoreChanges keeps it", () => {
    const stored = checkTokenInputs(
      {},
      { registryId: REGISTRY, name: "ci", expiryDate: "2031-01-01T00:00:00Z" },
      NOW,
    ).inputs;
    const before = { ...stored, status: "enabled", scopes: [] };
    const live = { ...before, expiryDate: "2031-06-01T00:00:00Z" } as unknown as TokenOutputs;
    const reported = driftedInputs(stored, before as never, live);
    expect(reported?.expiryDate).to.equal("2031-06-01T00:00:00Z");
    const news = checkTokenInputs(
      reported as never,
      { registryId: REGISTRY, name: "ci", expiryDate: reported?.expiryDate },
      NOW,
    ).inputs;
    expect(diffToken(live as never, news, NOW).changes).to.equal(false);
  });
});
