/**
 * Section 3: cold start of Pulumi's dynamic-provider host — from spawning it to its port being printed, to
 * the first Configure answered, to the first Create answered (after the Check the engine sends before it).
 */
import { randomBytes } from "crypto";
import { startEmulator } from "../emulator";
import { startProviderHost } from "../tests/support/providerHost";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { median, nowMs } from "./harness";
import { ms, type SectionResult } from "./report";

/** One cold start, each figure in ms from the spawn. */
export interface ColdStartRun {
  listeningMs: number;
  configuredMs: number;
  firstCreateMs: number;
}

/** Raw figures of the section: every run, and the medians. */
export interface ColdStartData {
  runs: ColdStartRun[];
  median: ColdStartRun;
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
  const news = {
    ...registered.inputs,
    registryId: emulator.registries[0].id,
    __provider: registered.provider,
  };
  const measured: ColdStartRun[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const spawned = nowMs();
      const host = await startProviderHost();
      try {
        const listeningMs = nowMs() - spawned;
        await host.configure({ "ionoscloud:token": apiToken, "ionoscloud:endpoint": emulator.url });
        const configuredMs = nowMs() - spawned;
        const checked = await host.check({}, news);
        const created = await host.create(checked.inputs);
        const firstCreateMs = nowMs() - spawned;
        measured.push({ listeningMs, configuredMs, firstCreateMs });
        await host.delete(created.id, created.properties);
      } finally {
        await host.close();
      }
    }
  } finally {
    await emulator.close();
  }
  const pick = (key: keyof ColdStartRun): number => median(measured.map((r) => r[key]));
  const mid: ColdStartRun = {
    listeningMs: pick("listeningMs"),
    configuredMs: pick("configuredMs"),
    firstCreateMs: pick("firstCreateMs"),
  };
  const spread = (key: keyof ColdStartRun): string =>
    `median of ${runs}; ${measured.map((r) => Math.round(r[key])).join(" / ")}`;
  return {
    rows: [
      {
        section: "cold start",
        metric: "spawn → listening",
        measured: ms(mid.listeningMs),
        reference: spread("listeningMs"),
      },
      {
        section: "cold start",
        metric: "spawn → Configure answered",
        measured: ms(mid.configuredMs),
        reference: spread("configuredMs"),
      },
      {
        section: "cold start",
        metric: "spawn → first Create answered",
        measured: ms(mid.firstCreateMs),
        reference: spread("firstCreateMs"),
      },
    ],
    budgets: [],
    data: { runs: measured, median: mid },
  };
}
