/**
 * The fault suites' bench: one emulator whose timestamps never repeat, a {@link PasswordWitness} in front of
 * it, a slow-answer proxy in front of that, the provider under test (short timeouts, behind both proxies),
 * and a second, steady provider (default timeouts, behind the witness only), both in the same mode. The
 * steady one sets cases up without tripping over the short timeouts on a loaded machine, and plays the other
 * stack of a race. Each is one process for the whole suite, in either mode: the cases run through it at once.
 */
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { RegistryTokenArgs } from "../../provider";
import type { HostResource } from "../support/hostSession";
import { startDriver, type Mode, type ModeDriver, type Transcript } from "../support/modes";
import { startSlowAnswerProxy, type SlowAnswerProxy } from "../support/slowAnswerProxy";
import { REQUEST_TIMEOUT_MS, RETRY_BUDGET_MS } from "./faultKinds";
import { distinctSecondsClock, startPasswordWitness, type PasswordWitness } from "../support/passwordWitness";

/** A running bench; close it with {@link FaultBench.close}. */
export interface FaultBench {
  mode: Mode;
  emulator: RunningEmulator;
  /** The provider under test. */
  driver: ModeDriver;
  proxy: SlowAnswerProxy;
  witness: PasswordWitness;
  /** The steady provider: another stack, or the engine that set a case up before the faults. */
  steady: ModeDriver;
  /** check → create through the steady provider, as that stack's `pulumi up` would. */
  upSteady(args: RegistryTokenArgs): Promise<HostResource>;
  /** Everything both providers printed (and, for the plugin, every gRPC error), for leak scans. */
  transcripts(): Transcript[];
  close(): Promise<void>;
}

/** Starts a bench in `mode` whose emulator accepts only `apiToken`, and both providers configured with it. */
export async function startFaultBench(apiToken: string, mode: Mode): Promise<FaultBench> {
  const emulator = await startEmulator({
    credentials: { token: apiToken },
    registries: [],
    clock: distinctSecondsClock(),
  });
  const started: Array<{ close(): Promise<void> }> = [emulator];
  try {
    const witness = await startPasswordWitness(emulator.url);
    started.unshift(witness);
    const proxy = await startSlowAnswerProxy(witness.url);
    started.unshift(proxy);
    const driver = await startDriver(mode, {
      settings: {
        token: apiToken,
        endpoint: proxy.url,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        retryBudgetMs: RETRY_BUDGET_MS,
      },
    });
    started.unshift(driver);
    const steady = await startDriver(mode, { settings: { token: apiToken, endpoint: witness.url } });
    started.unshift(steady);
    const labelled = (who: string, d: ModeDriver) =>
      d.transcripts().map((t) => ({ source: `${who}: ${t.source}`, text: t.text }));
    return {
      mode,
      emulator,
      driver,
      proxy,
      witness,
      steady,
      upSteady: (args) => steady.up(args),
      transcripts: () => [...labelled("under test", driver), ...labelled("steady", steady)],
      close: () => closeAll(started),
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

/** Closes in order: the providers before the proxies they talk through, the emulator last. */
async function closeAll(parts: ReadonlyArray<{ close(): Promise<void> }>): Promise<void> {
  for (const part of parts) await part.close();
}

/**
 * Runs `task` over `items` with at most `limit` in flight: setting up a hundred tokens at once would only
 * measure how loaded the machine is.
 */
export async function inBatches<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Warms the host under test up (its first calls load the provider and open connections), so that the cases'
 * short timeouts measure the faults, not a cold start. Best effort: a slow first call is what it absorbs, and
 * the registry goes away with whatever it holds.
 */
export async function warmUp(bench: FaultBench): Promise<void> {
  const { driver, emulator } = bench;
  const registryId = emulator.admin.createRegistry("warm-up").id;
  try {
    const token = await driver.up({ registryId, namePrefix: "warm" });
    await driver.read(token);
    await driver.delete(token);
  } catch {
    // Nothing to do: the cases start from their own registries.
  }
  emulator.admin.deleteRegistry(registryId);
}
