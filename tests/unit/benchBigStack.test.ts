import { expect } from "chai";
import {
  budgetsOf,
  contendersOf,
  orderOf,
  summarizeBigStack,
  type BigStackContender,
  type BigStackTimes,
} from "../../bench/bigStack";

/** One contender's round: preview and up + destroy at N = 1 and N = 11 (10 added resources). */
const times = (
  round: number,
  contender: BigStackContender,
  preview: [number, number],
  upDestroy: [number, number],
): BigStackTimes => ({
  round,
  contender,
  preview: { small: preview[0], large: preview[1] },
  upDestroy: { small: upDestroy[0], large: upDestroy[1] },
});

describe("bench: big stacks through the CLI, per added resource against the floor", () => {
  it("takes (T(N) − T(1)) ÷ (N − 1) per contender and round, then the median of the per-round ratios", () => {
    const raw = [
      // Round 1: ours adds 20 ms per resource to a preview, the floor 10 (2×); up + destroy 30 vs 30 (1×).
      times(1, "floor", [1000, 1100], [2000, 2300]),
      times(1, "subject", [1500, 1700], [2500, 2800]),
      // Round 2: 11 vs 10 (1.1×); 33 vs 30.
      times(2, "subject", [1000, 1110], [2000, 2330]),
      times(2, "floor", [900, 1000], [2000, 2300]),
      // Round 3: 10 vs 10 (1×); 36 vs 30 (1.2×).
      times(3, "floor", [1000, 1100], [2000, 2300]),
      times(3, "subject", [1000, 1100], [2000, 2360]),
    ];
    const [preview, upDestroy] = summarizeBigStack(raw, 11);
    expect(preview.perResourceMs.subject).to.deep.equal([20, 11, 10]);
    expect(preview.perResourceMs.floor).to.deep.equal([10, 10, 10]);
    expect(preview.ratio).to.be.closeTo(1.1, 1e-9);
    expect(upDestroy.ratios.map((r) => Number(r.toFixed(2)))).to.deep.equal([1, 1.1, 1.2]);
    expect(upDestroy.ratio).to.be.closeTo(1.1, 1e-9);
  });

  it("passes a median within 1.15×, fails one over it, and never passes a missing round", () => {
    const data = (subjectLarge: number, rounds = [1, 2, 3]) => ({
      mode: "dynamic" as const,
      n: 11,
      rounds: 3,
      commands: summarizeBigStack(
        rounds.flatMap((round) => [
          times(round, "floor", [1000, 1100], [1000, 1100]),
          times(round, "subject", [1000, subjectLarge], [1000, 1100]),
        ]),
        11,
      ),
      raw: [],
    });
    expect(budgetsOf(data(1115)).map((b) => b.pass)).to.deep.equal([true, true]);
    expect(budgetsOf(data(1116)).map((b) => b.pass)).to.deep.equal([false, true]);
    const missing = data(1100, [1, 2]);
    missing.rounds = 3;
    missing.commands = summarizeBigStack(
      [
        times(1, "floor", [1, 2], [1, 2]),
        times(1, "subject", [1, 2], [1, 2]),
        times(2, "floor", [1, 2], [1, 2]),
      ],
      11,
    );
    expect(budgetsOf(missing).map((b) => b.pass)).to.deep.equal([false, false]);
  });

  it("in plugin mode, also ours against the floor storing what ours stores; the budget stays the plain floor's", () => {
    const raw = [1, 2, 3].flatMap((round) => [
      times(round, "floor", [1000, 1100], [1000, 1100]),
      // The shaped floor adds 16 ms per resource, ours 20: 2× the plain floor, 1.25× the shaped one.
      times(round, "shaped floor", [1000, 1160], [1000, 1100]),
      times(round, "subject", [1000, 1200], [1000, 1100]),
    ]);
    const [preview, upDestroy] = summarizeBigStack(raw, 11);
    expect(preview.perResourceMs.shapedFloor).to.deep.equal([16, 16, 16]);
    expect(preview.ratio).to.be.closeTo(2, 1e-9);
    expect(preview.shaped?.ratio).to.be.closeTo(1.25, 1e-9);
    expect(upDestroy.shaped?.ratio).to.be.closeTo(1, 1e-9);
    const data = { mode: "plugin" as const, n: 11, rounds: 3, commands: [preview, upDestroy], raw };
    expect(budgetsOf(data).map((b) => b.pass)).to.deep.equal([false, true]);
    // Without the shaped floor (dynamic mode) there is no such figure.
    expect(
      summarizeBigStack(
        raw.filter((r) => r.contender !== "shaped floor"),
        11,
      )[0].shaped,
    ).to.equal(undefined);
  });

  it("runs the shaped floor in plugin mode only, and rotates who goes first each round", () => {
    expect(contendersOf("dynamic")).to.deep.equal(["subject", "floor"]);
    expect(contendersOf("plugin")).to.deep.equal(["subject", "floor", "shaped floor"]);
    // Two contenders: the floor first in odd rounds, as before.
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
