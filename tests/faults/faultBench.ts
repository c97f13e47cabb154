/**
 * The fault suites' bench: one emulator whose timestamps never repeat, a {@link PasswordWitness} in front of
 * it, a slow-answer proxy in front of that, the provider host under test (short timeouts, behind both
 * proxies), and a second, steady host (default timeouts, behind the witness only). The steady host sets cases
 * up without tripping over the short timeouts on a loaded machine, and plays the other stack of a race.
 */
import type { RegistryTokenArgs } from "../../provider";
import { startHostSession, type HostResource, type HostSession } from "../support/hostSession";
import { startProviderHost, type ProviderHost } from "../support/providerHost";
import { startSlowAnswerProxy, type SlowAnswerProxy } from "../support/slowAnswerProxy";
import { REQUEST_TIMEOUT_MS, RETRY_BUDGET_MS } from "./faultKinds";
import { distinctSecondsClock, startPasswordWitness, type PasswordWitness } from "./passwordWitness";

/** A running bench; close it with {@link FaultBench.close}. */
export interface FaultBench {
  /** The emulator and the host under test. */
  session: HostSession;
  proxy: SlowAnswerProxy;
  witness: PasswordWitness;
  /** The steady host: another stack, or the engine that set a case up before the faults. */
  steady: ProviderHost;
  /** check → create through the steady host, as that stack's `pulumi up` would. */
  upSteady(args: RegistryTokenArgs): Promise<HostResource>;
  /** Everything both hosts printed, for leak scans. */
  hostOutput(): string;
  close(): Promise<void>;
}

/** Starts a bench whose emulator accepts only `apiToken`, and both hosts configured with it. */
export async function startFaultBench(apiToken: string): Promise<FaultBench> {
  const parts: { witness?: PasswordWitness; proxy?: SlowAnswerProxy } = {};
  const session = await startHostSession({
    emulator: { credentials: { token: apiToken }, registries: [], clock: distinctSecondsClock() },
    config: {
      "ionoscloud:token": apiToken,
      "ionos-registry-token:requestTimeoutMs": String(REQUEST_TIMEOUT_MS),
      "ionos-registry-token:retryBudgetMs": String(RETRY_BUDGET_MS),
    },
    endpoint: async (emulator) => {
      parts.witness = await startPasswordWitness(emulator.url);
      parts.proxy = await startSlowAnswerProxy(parts.witness.url);
      return parts.proxy.url;
    },
  });
  const witness = parts.witness as PasswordWitness;
  const proxy = parts.proxy as SlowAnswerProxy;
  const steady = await startProviderHost();
  await steady.configure({ "ionoscloud:endpoint": witness.url, "ionoscloud:token": apiToken });
  return {
    session,
    proxy,
    witness,
    steady,
    async upSteady(args) {
      const { inputs, failures } = await steady.check({}, await session.program(args));
      if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
      const { id, properties } = await steady.create(inputs);
      return { id, inputs, outs: properties };
    },
    hostOutput: () => `${session.host.output()}\n${steady.output()}`,
    async close() {
      await steady.close();
      await session.close();
      await proxy.close();
      await witness.close();
    },
  };
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
  const { session } = bench;
  const registryId = session.emulator.admin.createRegistry("warm-up").id;
  try {
    const token = await session.up({ registryId, namePrefix: "warm" });
    await session.host.read(token.id, token.outs, token.inputs);
    await session.host.delete(token.id, token.outs);
  } catch {
    // Nothing to do: the cases start from their own registries.
  }
  session.emulator.admin.deleteRegistry(registryId);
}
