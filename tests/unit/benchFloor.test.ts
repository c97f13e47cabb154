import { expect } from "chai";
import { spawn } from "child_process";
import { budgetsOf, summarize } from "../../bench/againstFloor";
import { cpuTimeMs, resetPeakRss, memoryOf } from "../../bench/harness";
import { peakGrowthPerToken, PHASES, type ScalePhase } from "../../bench/scale";

/** A phase run with the given wall and CPU time (the rest does not enter the ratios). */
const phase = (name: ScalePhase["phase"], wallMs: number, cpuMs: number | undefined): ScalePhase => ({
  phase: name,
  wallMs,
  ...(cpuMs === undefined ? {} : { cpuMs }),
  idealMs: 1,
  ratio: wallMs,
  requests: 10,
  operationMs: { mean: 0, p95: 0 },
  apiMeanMs: 0,
  failures: 0,
  failureSamples: [],
});
const run = (round: number, contender: "subject" | "floor", wallMs: number, cpuMs: number) => ({
  round,
  contender,
  phases: PHASES.map((p) => phase(p, wallMs, cpuMs)),
});

describe("bench: ratios against the floor and memory growth", () => {
  it("takes per round the subject's figure over the floor's of the same round, then the median", () => {
    const raw = [
      run(1, "floor", 100, 50),
      run(1, "subject", 110, 100),
      run(2, "subject", 300, 60),
      run(2, "floor", 200, 50),
      run(3, "floor", 100, 40),
      run(3, "subject", 100, 44),
    ];
    const [create] = summarize(raw, 10);
    expect(create.wallRatios).to.deep.equal([1.1, 1.5, 1]);
    expect(create.wallRatio).to.equal(1.1);
    expect(create.cpuRatios.map((r) => r.toFixed(2))).to.deep.equal(["2.00", "1.20", "1.10"]);
    expect(create.cpuRatio).to.equal(1.2);
    expect(create.cpuPerOperationMs).to.deep.equal({ subject: 6, floor: 5 });
  });

  it("pairs each round's subject with that round's floor whatever the order, and takes the median ratio", () => {
    // Median of the ratios (1.05) differs from the ratio of the medians (150 / 100 = 1.5).
    const raw = [
      run(3, "subject", 100, 10),
      run(2, "floor", 200, 10),
      run(1, "subject", 150, 10),
      run(3, "floor", 100, 10),
      run(2, "subject", 210, 10),
      run(1, "floor", 100, 10),
    ];
    const [create] = summarize(raw, 10);
    expect(create.wallRatios).to.deep.equal([1, 1.05, 1.5]);
    expect(create.wallRatio).to.equal(1.05);
  });

  it("fails a ratio over its budget, or a round without a figure, and omits the ratios when not judged", () => {
    const data = (subjectCpu: number | undefined) => {
      const raw = [1, 2, 3].flatMap((round) => [
        run(round, "floor" as const, 100, 100),
        {
          ...run(round, "subject" as const, 100, 100),
          phases: PHASES.map((p) => phase(p, 100, subjectCpu!)),
        },
      ]);
      return {
        mode: "plugin" as const,
        n: 10,
        latencyMs: 20,
        concurrency: 16,
        rounds: 3,
        phases: summarize(raw, 10),
        raw,
      };
    };
    const cpuPasses = (subjectCpu: number | undefined) =>
      budgetsOf(data(subjectCpu), true)
        .filter((b) => b.name.includes("CPU"))
        .map((b) => b.pass);
    expect(cpuPasses(125)).to.deep.equal([true, true, true, true]);
    expect(cpuPasses(125.1)).to.deep.equal([false, false, false, false]);
    expect(cpuPasses(undefined)).to.deep.equal([false, false, false, false]);
    const unjudged = budgetsOf(data(500), false);
    expect(unjudged.map((b) => b.pass)).to.deep.equal([true]);
  });

  it("reports peak growth per added token in bytes", () => {
    expect(peakGrowthPerToken({ n: 100, peakKiB: 1000 }, { n: 1000, peakKiB: 1900 })).to.equal(1024);
    expect(peakGrowthPerToken({ n: 100 }, { n: 1000, peakKiB: 1900 })).to.equal(undefined);
  });

  it("reads this process's CPU time from /proc", () => {
    const before = cpuTimeMs(process.pid)!;
    // Busy until Node's own count says 300 ms of CPU (30 clock ticks) were used: by CPU time, not wall time,
    // so that a loaded machine, which gives this process less of each second, cannot shrink the figure.
    const start = process.cpuUsage();
    for (let used = 0; used < 300_000;) {
      const delta = process.cpuUsage(start);
      used = delta.user + delta.system;
    }
    const used = cpuTimeMs(process.pid)! - before;
    expect(used).to.be.within(250, 2000);
  });

  it("resets a process's peak RSS to its current one", async () => {
    // A child that touched 128 MiB and freed it: its peak stays high until reset.
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        "-e",
        `let b = Buffer.alloc(128 * 1024 * 1024, 1); b = null; globalThis.gc();
         process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise((resolve) => child.stdout.once("data", resolve));
      const before = memoryOf(child.pid!)!;
      expect(before.peakKiB - before.rssKiB, "the freed buffer is in the peak only").to.be.at.least(
        100 * 1024,
      );
      expect(resetPeakRss(child.pid!)).to.equal(true);
      expect(memoryOf(child.pid!)!.peakKiB).to.be.below(before.peakKiB - 100 * 1024);
    } finally {
      child.kill();
    }
  });
});
