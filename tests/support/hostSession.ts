/**
 * One emulator plus one Pulumi dynamic-provider host configured against it, with the provider exactly as
 * `RegistryToken` serializes it: the setup shared by the fault, secret-hygiene and concurrency suites.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import type { RegistryTokenArgs } from "../../provider";
import { startProviderHost, type ProviderHost } from "./providerHost";
import { registerToken } from "./serializedProvider";

/** Plain property bags as they cross the gRPC boundary. */
export type Props = Record<string, unknown>;

/** A resource as the engine would hold it in the state after a create or update. */
export interface HostResource {
  id: string;
  inputs: Props;
  outs: Props;
}

/** What {@link startHostSession} hands back. */
export interface HostSession {
  emulator: RunningEmulator;
  host: ProviderHost;
  /** The serialized provider (`__provider`), byte for byte as it would be stored in the state. */
  provider: string;
  /** The inputs a program would send: `args` as `RegistryToken` registers them, plus `__provider`. */
  program(args: RegistryTokenArgs): Promise<Props>;
  /** check → create, as `pulumi up` does for a new resource; throws on check failures. */
  up(args: RegistryTokenArgs): Promise<HostResource>;
  /** check (against the resource's inputs) → update, as `pulumi up` does for an in-place change. */
  change(resource: HostResource, args: RegistryTokenArgs): Promise<HostResource>;
  /** Stops the host, then the emulator. */
  close(): Promise<void>;
}

/** Options of {@link startHostSession}. */
export interface HostSessionOptions {
  /** Emulator options (credentials, registries, faults…). */
  emulator?: EmulatorOptions;
  /** Stack config passed to the host's Configure. `ionoscloud:endpoint` defaults to the emulator's URL. */
  config?: Record<string, string>;
  /** Extra environment of the host process. */
  env?: Record<string, string>;
  /** The endpoint to configure, given the running emulator (e.g. a proxy in front of it). @default its URL */
  endpoint?: (emulator: RunningEmulator) => Promise<string>;
}

let cachedProvider: Promise<string> | undefined;

/**
 * The serialized provider. It does not depend on the resource's arguments, so it is produced once per test
 * process (under Pulumi's mocks) and reused.
 */
export function serializedProvider(): Promise<string> {
  cachedProvider ??= registerToken("session", { registryId: "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17" }).then(
    (r) => r.provider,
  );
  return cachedProvider;
}

/** Starts an emulator and a configured provider host. Close it with {@link HostSession.close}. */
export async function startHostSession(options: HostSessionOptions = {}): Promise<HostSession> {
  // Serialized before anything starts: a failure here leaves no emulator or host behind.
  const provider = await serializedProvider();
  const emulator = await startEmulator(options.emulator);
  let host: ProviderHost | undefined;
  try {
    const endpoint = options.endpoint ? await options.endpoint(emulator) : emulator.url;
    host = await startProviderHost({ env: options.env ?? {} });
    await host.configure({ "ionoscloud:endpoint": endpoint, ...options.config });
  } catch (error) {
    await host?.close();
    await emulator.close();
    throw error;
  }
  const running = host;
  const program = async (args: RegistryTokenArgs): Promise<Props> => ({
    ...plainInputs(args),
    __provider: provider,
  });
  return {
    emulator,
    host: running,
    provider,
    program,
    async up(args) {
      const { inputs, failures } = await running.check({}, await program(args));
      if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
      const { id, properties } = await running.create(inputs);
      return { id, inputs, outs: properties };
    },
    async change(resource, args) {
      const { inputs, failures } = await running.check(resource.inputs, await program(args));
      if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
      const outs = await running.update(resource.id, resource.outs, inputs);
      return { id: resource.id, inputs, outs };
    },
    async close() {
      await running.close();
      await emulator.close();
    },
  };
}

/**
 * The inputs `RegistryToken` registers for plain (non-Output) arguments, without Pulumi's mocks. (The class
 * also derives a `namePrefix` from the resource name when neither `name` nor `namePrefix` is given; without
 * either, `check` falls back to the prefix `token`.) Exported for the plugin-mode driver (modes.ts), whose
 * programs send the same inputs without `__provider`.
 */
export function plainInputs(args: RegistryTokenArgs | Props): Props {
  const inputs: Props = {};
  for (const [key, value] of Object.entries(args)) if (value !== undefined) inputs[key] = value;
  return inputs;
}
