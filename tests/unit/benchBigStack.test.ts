import { expect } from "chai";
import {
  budgetsOf,
  contendersOf,
  orderOf,
  summarizeBigStack,
  type BigStackContender,
  type BigStackTimes,
} from "../../bench/bigStack";

/** One contender's round: preview, up and destroy at N = 1 and N = 11 (10 added resources). */
const times = (
  round: number,
  contender: BigStackContender,
  preview: [number, number],
  up: [number, number],
  destroy: [number, number] = [1000, 1100],
): BigStackTimes => ({
  round,
  contender,
  preview: { small: preview[0], large: preview[1] },
  up: { small: up[0], large: up[1] },
  destroy: { small: destroy[0], large: destroy[1] },
});

/** One mode's data from raw rounds (N = 11). */
const dataOf = (raw: BigStackTimes[], mode: "dynamic" | "plugin" = "dynamic") => ({
  mode,
  n: 11,
  rounds: 3,
  commands: summarizeBigStack(raw, 11),
  raw,
});

describe("bench: big stacks through the CLI, per added resource against the floor", () => {
  it("takes (T(N) − T(1)) ÷ (N − 1) per command, contender and round, then the median of the per-round ratios", () => {
    const raw = [
      // Round 1: ours adds 20 ms per resource to a preview, the floor 10 (2×); up 30 vs 30 (1×).
      times(1, "floor", [1000, 1100], [2000, 2300]),
      times(1, "subject", [1500, 1700], [2500, 2800], [1000, 1200]),
      // Round 2: 11 vs 10 (1.1×); 33 vs 30.
      times(2, "subject", [1000, 1110], [2000, 2330], [1000, 1200]),
      times(2, "floor", [900, 1000], [2000, 2300]),
      // Round 3: 10 vs 10 (1×); 36 vs 30 (1.2×).
      times(3, "floor", [1000, 1100], [2000, 2300]),
      times(3, "subject", [1000, 1100], [2000, 2360], [1000, 1200]),
    ];
    const [preview, up, destroy] = summarizeBigStack(raw, 11);
    expect([preview.command, up.command, destroy.command]).to.deep.equal(["preview", "up", "destroy"]);
    expect(preview.perResourceMs.subject).to.deep.equal([20, 11, 10]);
    expect(preview.perResourceMs.floor).to.deep.equal([10, 10, 10]);
    expect(preview.ratio).to.be.closeTo(1.1, 1e-9);
    expect(up.ratios.map((r) => Number(r.toFixed(2)))).to.deep.equal([1, 1.1, 1.2]);
    expect(up.ratio).to.be.closeTo(1.1, 1e-9);
    expect(destroy.ratio).to.be.closeTo(2, 1e-9);
  });

  it("judges preview and up, each on its own: a slow destroy is reported, not judged, and cannot hide a slow up", () => {
    const raw = [1, 2, 3].flatMap((round) => [
      times(round, "floor", [1000, 1100], [1000, 1100], [1000, 1200]),
      // Up at 1.2× the floor's, destroy at 0.5×: their sum would be 0.83×.
      times(round, "subject", [1000, 1100], [1000, 1120], [1000, 1100]),
    ]);
    const budgets = budgetsOf(dataOf(raw));
    expect(budgets.map((b) => b.name.split(": ")[1].split(" ")[0])).to.deep.equal(["preview", "up"]);
    expect(budgets.map((b) => b.pass)).to.deep.equal([true, false]);
  });

  it("passes a median within 1.15×, fails one over it, and never passes a missing round or a non-positive figure", () => {
    const data = (subjectLarge: number, rounds = [1, 2, 3]) =>
      dataOf(
        rounds.flatMap((round) => [
          times(round, "floor", [1000, 1100], [1000, 1100]),
          times(round, "subject", [1000, subjectLarge], [1000, 1100]),
        ]),
      );
    expect(budgetsOf(data(1115)).map((b) => b.pass)).to.deep.equal([true, true]);
    expect(budgetsOf(data(1116)).map((b) => b.pass)).to.deep.equal([false, true]);
    // A missing round (only two of three for the subject).
    const missing = dataOf([
      times(1, "floor", [1, 2], [1, 2]),
      times(1, "subject", [1, 2], [1, 2]),
      times(2, "floor", [1, 2], [1, 2]),
    ]);
    expect(budgetsOf(missing).map((b) => b.pass)).to.deep.equal([false, false]);
    // T(N) < T(1): a negative ratio would be "within" 1.15×.
    expect(budgetsOf(data(990)).map((b) => b.pass)).to.deep.equal([false, true]);
  });

  it("in plugin mode, also ours against the floor storing what ours stores; the budget stays the plain floor's", () => {
    const raw = [1, 2, 3].flatMap((round) => [
      times(round, "floor", [1000, 1100], [1000, 1100]),
      // The shaped floor adds 16 ms per resource, ours 20: 2× the plain floor, 1.25× the shaped one.
      times(round, "shaped floor", [1000, 1160], [1000, 1100]),
      times(round, "subject", [1000, 1200], [1000, 1100]),
    ]);
    const [preview, up] = summarizeBigStack(raw, 11);
    expect(preview.perResourceMs.shapedFloor).to.deep.equal([16, 16, 16]);
    expect(preview.ratio).to.be.closeTo(2, 1e-9);
    expect(preview.shaped?.ratio).to.be.closeTo(1.25, 1e-9);
    expect(up.shaped?.ratio).to.be.closeTo(1, 1e-9);
    expect(budgetsOf(dataOf(raw, "plugin")).map((b) => b.pass)).to.deep.equal([false, true]);
    // Without the shaped floor (dynamic mode) there is no such figure.
    const withoutShaped = raw.filter((r) => r.contender !== "shaped floor");
    expect(summarizeBigStack(withoutShaped, 11)[0].shaped).to.equal(undefined);
  });

  it("runs the shaped floor in plugin mode only, and rotates who goes first each round", () => {
    expect(contendersOf("dynamic")).to.deep.equal(["subject", "floor"]);
    expect(contendersOf("plugin")).to.deep.equal(["subject", "floor", "shaped floor"]);
    // Two contenders: the floor first in odd rounds.
    expect([1, 2, 3].map((round) => orderOf(["subject", "floor"], round)[0])).to.deep.equal([
      "floor",
      "subject",
      "floor",
    ]);
    const three = contendersOf("plugin");
    const firsts = [1, 2, 3].map((round) => orderOf(three, round)[0]);
    expect(new Set(firsts).size).to.equal(3);
    for (const round of [1, 2, 3]) expect([...orderOf(three, round)].sort()).to.deep.equal([...three].sort());
  });
});
