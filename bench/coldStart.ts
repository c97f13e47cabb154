/**
 * Section 3: cold start of Pulumi's dynamic-provider host — from spawning it to its port being printed, to
 * the first Configure answered, to the first Create answered (after the Check the engine sends before it) —
 * with `RegistryToken` and with the floor (`floors/dynamicFloor.ts`), alternately. Until the first Check the host
 * runs none of the provider's code, so what the two share is Pulumi's; the first Create's difference is ours
 * (loading the provider's modules, building its client, its first request).
 */
import { randomBytes } from "crypto";
import { startEmulator } from "../emulator";
import { startProviderHost } from "../tests/support/providerHost";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { serializedFloorProvider } from "./floors/dynamicFloor";
import { median, nowMs } from "./harness";
import { ms, type SectionResult } from "./report";

/** One cold start, each figure in ms from the spawn. */
export interface ColdStartRun {
  listeningMs: number;
  configuredMs: number;
  firstCreateMs: number;
}

/** Raw figures of the section: every run, and the medians, of `RegistryToken` and of the floor. */
export interface ColdStartData {
  runs: ColdStartRun[];
  median: ColdStartRun;
  floor: { runs: ColdStartRun[]; median: ColdStartRun };
}

/**
 * Starts `runs` hosts one after another against one emulator and times each one's first calls.
 * @param runs - how many cold starts (the median is reported)
 */
export async function measureColdStart(
  registered: RegisteredToken,
  runs: number,
): Promise<SectionResult<ColdStartData>> {
  const apiToken = `bench-${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({ credentials: { token: apiToken }, registries: [{ name: "bench" }] });
  const floorProvider = await serializedFloorProvider();
  const news = (provider: string) => ({
    ...registered.inputs,
    registryId: emulator.registries[0].id,
    __provider: provider,
  });
  const once = async (provider: string): Promise<ColdStartRun> => {
    const spawned = nowMs();
    const host = await startProviderHost();
    try {
      const listeningMs = nowMs() - spawned;
      await host.configure({ "ionoscloud:token": apiToken, "ionoscloud:endpoint": emulator.url });
      const configuredMs = nowMs() - spawned;
      const checked = await host.check({}, news(provider));
      const created = await host.create(checked.inputs);
      const firstCreateMs = nowMs() - spawned;
      await host.delete(created.id, created.properties);
      return { listeningMs, configuredMs, firstCreateMs };
    } finally {
      await host.close();
    }
  };
  const measured: ColdStartRun[] = [];
  const floorRuns: ColdStartRun[] = [];
  try {
    // A warm-up of each (the file cache), then alternating which goes first, so that drift in the machine's
    // load hits both alike.
    await once(registered.provider);
    await once(floorProvider);
    for (let run = 0; run < runs; run++) {
      if (run % 2 === 0) {
        measured.push(await once(registered.provider));
        floorRuns.push(await once(floorProvider));
      } else {
        floorRuns.push(await once(floorProvider));
        measured.push(await once(registered.provider));
      }
    }
  } finally {
    await emulator.close();
  }
  const medians = (list: ColdStartRun[]): ColdStartRun => {
    const pick = (key: keyof ColdStartRun): number => median(list.map((r) => r[key]));
    return {
      listeningMs: pick("listeningMs"),
      configuredMs: pick("configuredMs"),
      firstCreateMs: pick("firstCreateMs"),
    };
  };
  const [mid, floor] = [medians(measured), medians(floorRuns)];
  const spread = (key: keyof ColdStartRun): string =>
    `median of ${runs}; ours ${measured.map((r) => Math.round(r[key])).join(" / ")}`;
  const row = (metric: string, key: keyof ColdStartRun) => ({
    section: "cold start",
    metric: `${metric}: ours / floor`,
    measured: `${ms(mid[key])} / ${ms(floor[key])}`,
    reference: spread(key),
    ratio: mid[key] / floor[key],
  });
  return {
    rows: [
      row("spawn → listening (Pulumi's host, no provider code yet)", "listeningMs"),
      row("spawn → Configure answered", "configuredMs"),
      row("spawn → first Create answered", "firstCreateMs"),
      {
        section: "cold start",
        metric: "ours over the floor at the first Create (our modules' load, client, first request)",
        measured: ms(mid.firstCreateMs - floor.firstCreateMs),
        reference: `the rest of the ${ms(mid.firstCreateMs)} is Pulumi's host and the floor's request`,
      },
    ],
    budgets: [],
    data: { runs: measured, median: mid, floor: { runs: floorRuns, median: floor } },
  };
}
