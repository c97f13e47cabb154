/**
 * The plugin-mode counterpart of `startBenchEnv`: the same emulator, and one provider plugin process
 * (bin/pulumi-resource-ionos-registry-token) configured against it over gRPC, as the engine runs it.
 */
import type { FaultOptions, RunningEmulator } from "../emulator";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { startPluginSession, type PluginSession } from "../tests/support/pluginSession";
import * as path from "path";
import { PROJECT_ROOT } from "../tests/support/providerHost";
import { startBenchEmulator, type Launch, type Props } from "./harness";

/** The plugin-mode floor's executable (see `floors/pluginFloor.ts`). */
export const FLOOR_PLUGIN_PATH = path.join(PROJECT_ROOT, "bench", "floors", "pulumi-resource-floor");

/** An emulator and one plugin configured against it. */
export interface PluginBenchEnv {
  emulator: RunningEmulator;
  plugin: PluginSession;
  registryId: string;
  /** The inputs a program would send for a new token: the registered inputs and `overrides`. */
  program(overrides?: Props): Props;
  close(): Promise<void>;
}

/**
 * Starts an emulator (loopback, one registry, `faults`) and a plugin configured for it.
 * @param registered - what `RegistryToken` registers in dynamic mode: its inputs are the program's inputs
 * @param executable - the plugin to start: `RegistryToken`'s (the default) or {@link FLOOR_PLUGIN_PATH}
 * @param launch - the Node and Node options to run the plugin's script with (the profiles, the memory runs)
 */
export async function startPluginBenchEnv(
  registered: RegisteredToken,
  faults: FaultOptions = {},
  executable?: string,
  launch: Launch = {},
): Promise<PluginBenchEnv> {
  const { emulator, apiToken } = await startBenchEmulator(faults);
  let plugin: PluginSession;
  try {
    // Started through a Node of the bench's choosing, the plugin's script runs as its own launcher would run it.
    const runner =
      launch.node || launch.nodeArgs?.length
        ? { runner: [launch.node ?? process.execPath, ...(launch.nodeArgs ?? [])] }
        : {};
    plugin = await startPluginSession({}, { ...(executable ? { executable } : {}), ...runner });
    await plugin.configure({ token: apiToken, endpoint: emulator.url });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const registryId = emulator.registries[0].id;
  // The dynamic resource sends its own name as `defaultNamePrefix` because a dynamic provider never sees the
  // URN; the plugin takes the prefix from the URN, so a program in plugin mode sends the rest only.
  const { defaultNamePrefix: _prefix, ...inputs } = registered.inputs;
  return {
    emulator,
    plugin,
    registryId,
    program: (overrides: Props = {}): Props => ({ ...inputs, registryId, ...overrides }),
    async close() {
      await plugin.close();
      await emulator.close();
    },
  };
}
