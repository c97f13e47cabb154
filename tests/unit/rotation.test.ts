import { expect } from "chai";
import { diffToken } from "../../provider/rules/diff";
import { parseDuration } from "../../provider/rules/duration";
import {
  MIN_EXPIRY_LEAD_MS,
  PLANNED_EXPIRY_MARGIN_MS,
  planExpiry,
  rotationDue,
} from "../../provider/rules/rotation";
import { currentTime } from "../../provider/lifecycle/settings";
import { UNKNOWN } from "../../provider/rules/unknown";
import { checkTokenInputs } from "../../provider/rules/validate";

const DAY = 24 * 3600_000;
const T0 = Date.parse("2030-01-01T00:00:00Z");
const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const base = { registryId: REGISTRY, namePrefix: "ci", expiresIn: "30d", rotateBefore: "7d" };

describe("rotation (duration.ts, rotation.ts, check and diff)", () => {
  it("parses durations in days, hours and minutes", () => {
    expect(parseDuration("90d")).to.equal(90 * DAY);
    expect(parseDuration("1d12h30m")).to.equal(DAY + 12.5 * 3600_000);
    expect(parseDuration("45m")).to.equal(45 * 60_000);
    for (const bad of ["", "0d", "1w", "d", "12", "1h1d", "-1d", " 1d"])
      expect(parseDuration(bad), bad).to.equal(undefined);
  });

  it("plans a fresh expiry of now + expiresIn for a new token", () => {
    expect(planExpiry("30d", {}, T0)).to.equal("2030-01-31T00:00:00Z");
  });

  it("plans at least an hour and its margin ahead, rounded up to the second", () => {
    // A "1h" plan truncated to the second would lie under an hour ahead by the time the POST is sent.
    const oneHour = Date.parse(planExpiry("1h", {}, T0 + 999));
    expect(oneHour - (T0 + 999)).to.be.at.least(MIN_EXPIRY_LEAD_MS + PLANNED_EXPIRY_MARGIN_MS);
    expect(oneHour % 1000).to.equal(0);
    expect(planExpiry("2h", {}, T0 + 1)).to.equal("2030-01-01T02:00:01Z");
  });

  it("keeps the planned expiry while expiresIn is unchanged; re-plans when it changes", () => {
    const olds = { expiresIn: "30d", expiryDate: "2030-01-31T00:00:00Z" };
    expect(planExpiry("30d", olds, T0 + 20 * DAY)).to.equal("2030-01-31T00:00:00Z");
    // Once the kept expiry is due (here: passed), the plan is a fresh one, for the token that replaces it.
    expect(planExpiry("30d", olds, T0 + 40 * DAY)).to.equal("2030-03-12T00:00:00Z");
    expect(planExpiry("30d", olds, T0 + 25 * DAY, "7d")).to.equal("2030-02-25T00:00:00Z");
    expect(planExpiry("30d", olds, T0 + 22 * DAY, "7d")).to.equal("2030-01-31T00:00:00Z");
    expect(planExpiry("60d", olds, T0)).to.equal("2030-03-02T00:00:00Z");
  });

  it("says why once the window is reached, deterministically for a given clock", () => {
    const token = { expiresIn: "30d", rotateBefore: "7d", expiryDate: "2030-01-31T00:00:00Z" };
    expect(rotationDue(token, T0 + 23 * DAY - 1000)).to.equal(null);
    expect(rotationDue(token, T0 + 24 * DAY)).to.equal(
      "expires 2030-01-31T00:00:00Z; rotateBefore 7d was reached at 2030-01-24T00:00:00Z",
    );
  });

  it("rotates a token with a lifetime in its last hour or expired, even without rotateBefore; never a fixed expiry", () => {
    const token = { expiresIn: "30d", rotateBefore: null, expiryDate: "2030-01-31T00:00:00Z" };
    expect(rotationDue(token, T0 + 30 * DAY - MIN_EXPIRY_LEAD_MS - 1000)).to.equal(null);
    // Within the last hour the API could not even take this expiry on a recreate: replace it.
    expect(rotationDue(token, T0 + 30 * DAY - MIN_EXPIRY_LEAD_MS)).to.equal(
      "expires 2030-01-31T00:00:00Z, within the hour",
    );
    expect(rotationDue(token, T0 + 30 * DAY)).to.equal("expired at 2030-01-31T00:00:00Z");
    expect(rotationDue({ ...token, expiresIn: null }, T0 + 40 * DAY)).to.equal(null);
  });

  describe("through check and diff", () => {
    const created = checkTokenInputs({}, base, T0).inputs;
    const outs = {
      ...created,
      tokenId: "t",
      username: created.name,
      password: "p",
      createdDate: "2030-01-01T00:00:00Z",
    };

    it("a scheduled up before the window: no diff", () => {
      const { inputs, failures } = checkTokenInputs(created, base, T0 + 20 * DAY);
      expect(failures).to.deep.equal([]);
      expect(inputs.name).to.equal(created.name);
      expect(diffToken(outs, inputs, T0 + 20 * DAY).changes).to.equal(false);
    });

    it("a scheduled up inside the window: replace, new token first (generated name), by its fresh expiry", () => {
      const { inputs } = checkTokenInputs(created, base, T0 + 25 * DAY);
      expect(inputs).to.not.have.property("rotationDue");
      // The plan is the new token's expiry: what the preview shows, and what replaces the token.
      expect(inputs.expiryDate).to.equal("2030-02-25T00:00:00Z");
      const diff = diffToken(outs, inputs, T0 + 25 * DAY);
      expect(diff).to.deep.include({
        changes: true,
        replaces: ["expiryDate"],
        updates: [],
        deleteBeforeReplace: false,
      });
      expect(diff.rotation).to.match(/^expires 2030-01-31T00:00:00Z; rotateBefore 7d/);
      const replacement = checkTokenInputs({}, base, T0 + 25 * DAY).inputs;
      expect(replacement.name).to.not.equal(created.name);
      expect(replacement.expiryDate).to.equal("2030-02-25T00:00:00Z");
      // The new token, once created, is not due.
      expect(diffToken({ ...outs, ...replacement }, replacement, T0 + 25 * DAY).rotation).to.equal(null);
    });

    it("an unknown rotateBefore may put the token in its window: the preview says replace", () => {
      const { inputs, failures } = checkTokenInputs(created, { ...base, rotateBefore: UNKNOWN }, T0 + DAY);
      expect(failures).to.deep.equal([]);
      expect(inputs.expiryDate).to.equal("2030-01-31T00:00:00Z");
      expect(diffToken(outs, inputs, T0 + DAY).replaces).to.deep.equal(["expiryDate"]);
    });

    it("a fixed name inside the window: replace, deleting first", () => {
      const fixed = { ...base, name: "pinned", namePrefix: undefined };
      const first = checkTokenInputs({}, fixed, T0).inputs;
      const { inputs } = checkTokenInputs(first, fixed, T0 + 25 * DAY);
      expect(diffToken({ ...outs, ...first }, inputs, T0 + 25 * DAY)).to.deep.include({
        replaces: ["expiryDate"],
        deleteBeforeReplace: true,
      });
    });

    it("changing a rotation trigger replaces; reordering its keys does not", () => {
      const withTriggers = checkTokenInputs({}, { ...base, rotationTriggers: { a: 1, b: "x" } }, T0).inputs;
      const o = { ...outs, ...withTriggers };
      const same = checkTokenInputs(withTriggers, { ...base, rotationTriggers: { b: "x", a: 1 } }, T0).inputs;
      expect(diffToken(o, same).changes).to.equal(false);
      const changed = checkTokenInputs(
        withTriggers,
        { ...base, rotationTriggers: { a: 2, b: "x" } },
        T0,
      ).inputs;
      expect(diffToken(o, changed)).to.deep.include({ changes: true, replaces: ["rotationTriggers"] });
      expect(diffToken(o, { ...same, rotationTriggers: { a: UNKNOWN } }).replaces).to.deep.equal([
        "rotationTriggers",
      ]);
    });

    it("reports a changed expiresIn or rotateBefore as an in-place update", () => {
      expect(diffToken(outs, { ...created, rotateBefore: "3d" })).to.deep.include({
        changes: true,
        replaces: [],
        updates: ["rotateBefore"],
      });
      const replanned = checkTokenInputs(created, { ...base, expiresIn: "60d" }, T0).inputs;
      expect(diffToken(outs, replanned).updates).to.deep.equal(["expiryDate", "expiresIn"]);
    });

    it("never echoes rotationTriggers values in a failure", () => {
      const { failures } = checkTokenInputs({}, { ...base, rotationTriggers: "s3cr3t-value" }, T0);
      expect(failures.map((f) => f.property)).to.deep.equal(["rotationTriggers"]);
      expect(failures[0].reason).to.not.include("s3cr3t");
      expect(failures[0].reason).to.include("got a string");
    });

    it("rejects inconsistent settings naming the property", () => {
      const props = (news: Record<string, unknown>) =>
        checkTokenInputs({}, news, T0).failures.map((f) => f.property);
      expect(props({ ...base, expiryDate: "2031-01-01T00:00:00Z" })).to.deep.equal(["expiresIn"]);
      expect(props({ registryId: REGISTRY, rotateBefore: "7d" })).to.deep.equal(["rotateBefore"]);
      expect(props({ ...base, rotateBefore: "30d" })).to.deep.equal(["rotateBefore"]);
      expect(props({ ...base, expiresIn: "30 days" })).to.deep.equal(["expiresIn"]);
      expect(props({ ...base, expiresIn: "30m", rotateBefore: undefined })).to.deep.equal(["expiresIn"]);
      expect(props({ ...base, rotationTriggers: ["a"] })).to.deep.equal(["rotationTriggers"]);
    });

    it("passes unknown lifetimes through", () => {
      const { inputs, failures } = checkTokenInputs({}, { ...base, expiresIn: UNKNOWN }, T0);
      expect(failures).to.deep.equal([]);
      expect(inputs.expiryDate).to.equal(UNKNOWN);
    });
  });

  it("takes the clock from IONOS_REGISTRY_TOKEN_CLOCK when set", () => {
    expect(currentTime({ IONOS_REGISTRY_TOKEN_CLOCK: "2030-01-01T00:00:00Z" })).to.equal(T0);
    expect(currentTime({}, () => 42)).to.equal(42);
    expect(() => currentTime({ IONOS_REGISTRY_TOKEN_CLOCK: "tomorrow" })).to.throw(/RFC 3339/);
  });
});
