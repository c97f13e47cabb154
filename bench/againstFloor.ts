/**
 * Section 5: each lifecycle phase of `RegistryToken` against its mode's floor (`floors/`), driven the same way
 * in the same run: N tokens, a fixed API latency, 16 operations in flight. After a warm-up round of each, three
 * rounds run every phase for both, one right after the other, alternating which goes first (the floor in rounds
 * 1 and 3): whichever runs second finds the garbage and the machine the first left. Each round gives per phase
 * the ratio of wall times and of the provider process's CPU time (`/proc/<pid>/stat`); the budgets apply to the
 * median of the three.
 *
 * Dynamic mode runs both providers through one host process, as a program that used both would; plugin mode runs
 * two plugin processes, each against its own emulator.
 */
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { serializedFloorProvider } from "./floors/dynamicFloor";
import { median, startBenchEnv } from "./harness";
import { ms, type Budget, type Row, type SectionResult } from "./report";
import type { Mode } from "./requests";
import {
  dynamicDriver,
  PHASES,
  runLifecycle,
  runPhase,
  startDriver,
  type Contender,
  type PhaseName,
  type ScaleDriver,
  type ScalePhase,
} from "./scale";

/** Wall time of every phase may be at most this multiple of the floor's (median of the rounds). */
export const WALL_BUDGET_RATIO = 1.15;
/** CPU time of the provider process per phase may be at most this multiple of the floor's. */
export const CPU_BUDGET_RATIO = 1.25;
/** Measured rounds after the warm-up. */
export const ROUNDS = 3;

/** One phase's figures across the rounds. */
export interface PhaseAgainstFloor {
  phase: PhaseName;
  /** Per round: `RegistryToken`'s wall time ÷ the floor's. */
  wallRatios: number[];
  /** Per round: `RegistryToken`'s process CPU time ÷ the floor's. */
  cpuRatios: number[];
  /** Median of the wall ratios: what the wall budget judges. */
  wallRatio: number;
  /** Median of the CPU ratios: what the CPU budget judges. */
  cpuRatio: number;
  /** Median CPU time per operation, ms. */
  cpuPerOperationMs: { subject: number; floor: number };
  /** Median wall time of the phase, ms. */
  wallMs: { subject: number; floor: number };
}

/** Raw figures of one mode's comparison. */
export interface AgainstFloorData {
  mode: Mode;
  n: number;
  latencyMs: number;
  concurrency: number;
  rounds: number;
  phases: PhaseAgainstFloor[];
  /** Every measured round's phases, by contender, in the order they ran. */
  raw: Array<{ round: number; contender: Contender; phases: ScalePhase[] }>;
}

/** Parameters of {@link measureAgainstFloor}. */
export interface AgainstFloorOptions {
  n: number;
  /**
   * Whether the ratio budgets decide the run. `--quick` (CI) reports the ratios without judging them: at its
   * N the CPU figures are a few dozen clock ticks, too coarse for a 1.25× line. @default true
   */
  judgeRatios?: boolean;
  /** @default 20 */
  latencyMs?: number;
  /** @default 16 */
  concurrency?: number;
}

/** Runs the warm-up and the alternating rounds of `mode`, and judges the median ratios. */
export async function measureAgainstFloor(
  registered: RegisteredToken,
  mode: Mode,
  options: AgainstFloorOptions,
): Promise<SectionResult<AgainstFloorData>> {
  const run = { n: options.n, latencyMs: options.latencyMs ?? 20, concurrency: options.concurrency ?? 16 };
  const { drivers, close } = await startContenders(registered, mode, run.latencyMs);
  const raw: AgainstFloorData["raw"] = [];
  try {
    for (const contender of ["floor", "subject"] as const) await runLifecycle(drivers[contender], run);
    for (let round = 1; round <= ROUNDS; round++) {
      const order: Contender[] = round % 2 === 1 ? ["floor", "subject"] : ["subject", "floor"];
      const runs = order.map((contender) => ({
        round,
        contender,
        phases: [] as ScalePhase[],
        live: new Array<unknown>(run.n).fill(undefined),
      }));
      for (const phase of PHASES)
        for (const r of runs) r.phases.push(await runPhase(drivers[r.contender], phase, r.live, run));
      raw.push(...runs.map(({ live: _live, ...r }) => r));
    }
  } finally {
    await close();
  }
  const data: AgainstFloorData = { mode, ...run, rounds: ROUNDS, phases: summarize(raw, run.n), raw };
  const judgeRatios = options.judgeRatios !== false;
  return { rows: rowsOf(data, judgeRatios), budgets: budgetsOf(data, judgeRatios), data };
}

/** Both contenders of a mode, ready to drive. */
async function startContenders(
  registered: RegisteredToken,
  mode: Mode,
  latencyMs: number,
): Promise<{ drivers: Record<Contender, ScaleDriver<unknown>>; close(): Promise<void> }> {
  if (mode === "dynamic") {
    const floor = await serializedFloorProvider();
    const env = await startBenchEnv(registered, { faults: { latency: { fixedMs: latencyMs } } });
    return {
      drivers: {
        subject: dynamicDriver(env, "subject", registered.provider) as ScaleDriver<unknown>,
        floor: dynamicDriver(env, "floor", floor) as ScaleDriver<unknown>,
      },
      close: () => env.close(),
    };
  }
  const subject = await startDriver(registered, mode, "subject", latencyMs);
  const floor = await startDriver(registered, mode, "floor", latencyMs).catch(async (error: unknown) => {
    await subject.close();
    throw error;
  });
  return {
    drivers: { subject: subject.driver, floor: floor.driver },
    close: async () => {
      await subject.close();
      await floor.close();
    },
  };
}

/** Per phase: the per-round ratios and their medians. */
export function summarize(raw: AgainstFloorData["raw"], n: number): PhaseAgainstFloor[] {
  const rounds = [...new Set(raw.map((r) => r.round))];
  const phaseOf = (round: number, contender: Contender, phase: PhaseName) =>
    raw.find((r) => r.round === round && r.contender === contender)?.phases.find((p) => p.phase === phase);
  return PHASES.map((phase) => {
    const pairs = rounds.map((round) => ({
      subject: phaseOf(round, "subject", phase),
      floor: phaseOf(round, "floor", phase),
    }));
    const values = (pick: (p: ScalePhase) => number | undefined, who: Contender) =>
      pairs.map((pair) => (pair[who] ? (pick(pair[who]) ?? NaN) : NaN));
    const ratios = (pick: (p: ScalePhase) => number | undefined) => {
      const subject = values(pick, "subject");
      const floor = values(pick, "floor");
      return subject.map((s, i) => s / floor[i]);
    };
    const wallRatios = ratios((p) => p.wallMs);
    const cpuRatios = ratios((p) => p.cpuMs);
    return {
      phase,
      wallRatios,
      cpuRatios,
      wallRatio: median(wallRatios),
      cpuRatio: median(cpuRatios),
      cpuPerOperationMs: {
        subject: median(values((p) => p.cpuMs, "subject")) / n,
        floor: median(values((p) => p.cpuMs, "floor")) / n,
      },
      wallMs: {
        subject: median(values((p) => p.wallMs, "subject")),
        floor: median(values((p) => p.wallMs, "floor")),
      },
    };
  });
}

const sectionOf = (data: AgainstFloorData) => `against the floor, N=${data.n}, ${data.mode}`;
const list = (ratios: number[]) => ratios.map((r) => r.toFixed(2)).join(" / ");

function rowsOf(data: AgainstFloorData, judgeRatios: boolean): Row[] {
  return data.phases.flatMap((p) => [
    {
      section: sectionOf(data),
      metric: `${p.phase} wall time`,
      measured: `${ms(p.wallMs.subject)} vs floor ${ms(p.wallMs.floor)}`,
      reference: `rounds ${list(p.wallRatios)}; ≤ ${WALL_BUDGET_RATIO}×`,
      ratio: p.wallRatio,
      ...(judgeRatios ? { pass: p.wallRatio <= WALL_BUDGET_RATIO } : {}),
    },
    {
      section: sectionOf(data),
      metric: `${p.phase} provider CPU per operation`,
      measured: `${p.cpuPerOperationMs.subject.toFixed(2)} ms vs floor ${p.cpuPerOperationMs.floor.toFixed(2)} ms`,
      reference: `rounds ${list(p.cpuRatios)}; ≤ ${CPU_BUDGET_RATIO}×`,
      ratio: p.cpuRatio,
      ...(judgeRatios ? { pass: p.cpuRatio <= CPU_BUDGET_RATIO } : {}),
    },
  ]);
}

/**
 * The budgets of one mode's comparison: per phase the median wall and CPU ratios (when `judgeRatios`), and one
 * request per operation without failures in every round.
 */
export function budgetsOf(data: AgainstFloorData, judgeRatios: boolean): Budget[] {
  const failed = data.raw.flatMap((r) => r.phases.filter((p) => p.failures > 0 || p.requests !== data.n));
  const ratios = (p: PhaseAgainstFloor): Budget[] => [
    {
      name: `${sectionOf(data)}: ${p.phase} wall time ÷ floor (median of ${data.rounds})`,
      measured: `${p.wallRatio.toFixed(2)}× (${list(p.wallRatios)})`,
      limit: `≤ ${WALL_BUDGET_RATIO}×`,
      // A round without a figure is a missing measurement, never a pass.
      pass: p.wallRatios.every(Number.isFinite) && p.wallRatio <= WALL_BUDGET_RATIO,
    },
    {
      name: `${sectionOf(data)}: ${p.phase} provider CPU ÷ floor (median of ${data.rounds})`,
      measured: `${p.cpuRatio.toFixed(2)}× (${list(p.cpuRatios)})`,
      limit: `≤ ${CPU_BUDGET_RATIO}×`,
      pass: p.cpuRatios.every(Number.isFinite) && p.cpuRatio <= CPU_BUDGET_RATIO,
    },
  ];
  return [
    ...(judgeRatios ? data.phases.flatMap(ratios) : []),
    {
      name: `${sectionOf(data)}: one request per operation, no failures, every round`,
      measured: failed.length === 0 ? "all" : `${failed.length} phase runs off`,
      limit: `${data.n} requests and 0 failures`,
      pass: failed.length === 0,
      ...(failed.length
        ? {
            note: failed
              .flatMap((p) => p.failureSamples)
              .slice(0, 3)
              .join("; "),
          }
        : {}),
    },
  ];
}
