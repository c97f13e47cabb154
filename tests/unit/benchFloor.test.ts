import { expect } from "chai";
import { spawn } from "child_process";
import { budgetsOf, summarize } from "../../bench/againstFloor";
import { cpuTimeMs, HEAP_PROBE_ARGS, memoryOf, resetPeakRss, retainedHeapKiB } from "../../bench/harness";
import { memoryBudgets, PHASES, retainedPerToken, type ScaleData, type ScalePhase } from "../../bench/scale";

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

  it("reports the heap retained per added token in bytes, from what each run left in its own process", () => {
    // The larger run's process started 1000 KiB heavier: only what the tokens left after the warm-up counts.
    const small = { n: 100, retainedAfterWarmUpKiB: 5000, retainedHeapKiB: 5100 };
    const large = { n: 1000, retainedAfterWarmUpKiB: 6000, retainedHeapKiB: 7000 };
    expect(retainedPerToken(small, large)).to.equal(1024);
    expect(retainedPerToken({ n: 100, retainedHeapKiB: 5100 }, large)).to.equal(undefined);
  });

  it("judges the retained heap against the floor's growth, and peak RSS as a ratio of the floor's", () => {
    /** A process's memory: what its tokens left in the retained heap (KiB) over a 10 000 KiB start, and its peak. */
    const memory = (left: number, peakKiB: number) => ({
      startRssKiB: 0,
      rssKiB: 0,
      peakKiB,
      retainedAfterWarmUpKiB: 10_000,
      retainedHeapKiB: 10_000 + left,
    });
    const scale = (n: number, ours: [number, number], floor: [number, number]): ScaleData => ({
      mode: "plugin",
      node: "v24.22.3",
      n,
      latencyMs: 20,
      concurrency: 16,
      warmUpTokens: 100,
      phases: [],
      memory: memory(...ours),
      floor: { phases: [], memory: memory(...floor) },
    });
    const judged = (ours: [number, number], floor: [number, number]) =>
      memoryBudgets([scale(100, [100, 100_000], [50, 90_000]), scale(1000, ours, floor)]).map((b) => b.pass);
    // Ours keeps 900 KiB more over 900 more tokens (1024 B each), the floor 450 KiB (512 B each): 512 B over it.
    expect(judged([1000, 99_000], [500, 90_000])).to.deep.equal([true, true]);
    expect(judged([1001, 99_000], [500, 90_000])).to.deep.equal([false, true]);
    // Peak RSS: 99 000 KiB vs 90 000 is 1.10×; 99 100 is over.
    expect(judged([100, 99_100], [50, 90_000])).to.deep.equal([true, false]);
    // A run without figures is a missing measurement, never a pass.
    expect(
      memoryBudgets([scale(100, [1, 1], [1, 1]), { ...scale(1000, [1, 1], [1, 1]), memory: undefined }]).map(
        (b) => b.pass,
      ),
    ).to.deep.equal([false, false]);
  });

  it("reads the heap a probed process retains after a full collection, not what it only allocated", async () => {
    // Two children allocate alike; one keeps about 8 MiB of it.
    const probed = (keep: boolean) =>
      spawn(
        process.execPath,
        [
          ...HEAP_PROBE_ARGS,
          "-e",
          `(() => {
             const made = Array.from({ length: 100000 }, (_, i) => "x".repeat(64) + i);
             globalThis.kept = ${keep ? "made" : "[]"};
           })();
           process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
    const [keeping, dropping] = [probed(true), probed(false)];
    try {
      await Promise.all(
        [keeping, dropping].map((c) => new Promise((resolve) => c.stdout.once("data", resolve))),
      );
      const [kept, dropped] = [await retainedHeapKiB(keeping.pid!), await retainedHeapKiB(dropping.pid!)];
      expect(kept - dropped).to.be.within(6 * 1024, 20 * 1024);
    } finally {
      keeping.kill();
      dropping.kill();
    }
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
