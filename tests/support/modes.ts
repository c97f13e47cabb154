/**
 * The provider runs in two modes: as a dynamic provider inside Pulumi's dynamic-provider host (the state
 * carries `__provider`, the password plain in the answers and secret by `additionalSecretOutputs`), and as the
 * resource-provider plugin `bin/pulumi-resource-ionos-registry-token` (provider config from Configure, the
 * password wrapped as a secret in every answer). A {@link ModeDriver} is the engine's side of either, with the
 * same plain values, so that the fault and secret-scan suites run once per mode instead of being written twice.
 *
 * Answers keep the dynamic host's shapes (`providerHost.ts`), which the fault oracle (`consistency.ts`) reads:
 * the plugin driver unwraps the password, after noting whether it came as a secret.
 */
import type { RegistryTokenArgs } from "../../provider";
import { plainInputs, serializedProvider, type HostResource, type Props } from "./hostSession";
import { startProviderHost, type HostCheck, type ProviderHost } from "./providerHost";
import { SECRET_KEY, SECRET_SIG, secretValue, startPluginSession, type PluginSession } from "./pluginSession";
import { DYNAMIC_CONFIG_KEYS } from "../../provider/lifecycle/settings";

/** How the provider runs. */
export type Mode = "dynamic" | "plugin";

/** Both modes, in the order the suites run them. */
export const MODES: readonly Mode[] = ["dynamic", "plugin"];

/** What a suite title calls the provider process of a mode. */
export const MODE_TITLE: Record<Mode, string> = {
  dynamic: "dynamic-provider host",
  plugin: "provider plugin",
};

/**
 * Provider settings, by their plugin config key; each mode sends them under its own keys (`ionoscloud:token`
 * in a dynamic provider's stack config, `ionos-registry-token:config:token` in the plugin's Configure).
 */
export interface SessionSettings {
  token?: string;
  username?: string;
  password?: string;
  endpoint?: string;
  requestTimeoutMs?: number;
  retryBudgetMs?: number;
}

/** Something the provider's process produced outside its answers, for leak scans. */
export interface Transcript {
  source: string;
  text: string;
}

/** The answer of a diff, in the words of either protocol's enum. */
export interface ModeDiff {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The answer of a read: an empty `id` when the provider says the token is gone. */
export interface ReadAnswer {
  id: string;
  properties: Props;
  inputs?: Props;
}

/** The engine's side of one provider process, in either mode, with plain values. */
export interface ModeDriver {
  readonly mode: Mode;
  /** Configure with provider settings, under the mode's own keys. */
  configure(settings: SessionSettings): Promise<void>;
  /** The inputs a program sends for `args` (the dynamic provider's add `__provider`). */
  program(args: RegistryTokenArgs | Props): Promise<Props>;
  /** Check of `news` against the previous inputs `olds` (`{}` for a new resource). */
  check(olds: Props, news: Props): Promise<HostCheck>;
  /** Diff of a resource as the state holds it against checked inputs. */
  diff(resource: HostResource, news: Props): Promise<ModeDiff>;
  /** Create of checked inputs. */
  create(inputs: Props): Promise<{ id: string; properties: Props }>;
  /** Read (refresh) of a resource as the state holds it. */
  read(resource: HostResource): Promise<ReadAnswer>;
  /** Read from the ID alone (`RegistryToken.get`, `pulumi import`). */
  readById(id: string): Promise<ReadAnswer>;
  /** Update of a resource to checked inputs; answers the new outputs. */
  update(resource: HostResource, news: Props): Promise<Props>;
  delete(resource: HostResource): Promise<void>;
  /** check → create, as `pulumi up` does for a new resource; throws on check failures. */
  up(args: RegistryTokenArgs | Props): Promise<HostResource>;
  /** Everything the process printed and, in plugin mode, every gRPC error as it came over the wire. */
  transcripts(): Transcript[];
  /**
   * How many outputs carried a password, and where one did not come wrapped as a secret. The dynamic host
   * answers plain values (the engine marks the password secret from the registration), so it reports none.
   */
  secretOutputs(): { checked: number; plain: string[] };
  close(): Promise<void>;
}

/** Options of {@link startDriver}. */
export interface DriverOptions {
  /** Provider settings sent in Configure. */
  settings?: SessionSettings;
  /** Extra environment of the process (e.g. `IONOS_*` credentials); the test's own `IONOS_*` never leak in. */
  env?: Record<string, string>;
}

/** Starts one provider process in `mode` and configures it. Close it with {@link ModeDriver.close}. */
export async function startDriver(mode: Mode, options: DriverOptions = {}): Promise<ModeDriver> {
  const env = options.env ?? {};
  let driver: ModeDriver;
  if (mode === "dynamic") {
    // Serialized before the host starts: a failure here leaves no process behind.
    const provider = await serializedProvider();
    driver = dynamicDriver(await startProviderHost({ env }), provider);
  } else {
    driver = pluginDriver(await startPluginSession(env, { captureStderr: true }));
  }
  try {
    await driver.configure(options.settings ?? {});
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

/** The settings that are set, as strings under the keys `keyOf` gives. */
function configOf(settings: SessionSettings, keyOf: (key: keyof SessionSettings) => string) {
  return Object.fromEntries(
    Object.entries(settings)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [keyOf(key as keyof SessionSettings), String(value)]),
  );
}

/** The protocol's `DiffChanges` enum (0 unknown, 1 none, 2 some), as the host's answers carry it. */
const DIFF_CHANGES: Record<number, ModeDiff["changes"]> = { 0: "unknown", 1: "none", 2: "some" };

/** A driver over a running dynamic-provider host; `provider` is the serialized provider the state carries. */
export function dynamicDriver(host: ProviderHost, provider: string): ModeDriver {
  const driver: ModeDriver = {
    mode: "dynamic",
    configure: (settings) => host.configure(configOf(settings, (key) => DYNAMIC_CONFIG_KEYS[key])),
    program: async (args) => ({ ...plainInputs(args), __provider: provider }),
    check: (olds, news) => host.check(olds, news),
    diff: async (resource, news) => {
      const { changes, replaces, deleteBeforeReplace } = await host.diff(resource.id, resource.outs, news);
      return { changes: DIFF_CHANGES[changes] ?? "unknown", replaces, deleteBeforeReplace };
    },
    create: (inputs) => host.create(inputs),
    read: (resource) => host.read(resource.id, resource.outs, resource.inputs),
    readById: (id) => host.read(id, {}, { __provider: provider }),
    update: (resource, news) => host.update(resource.id, resource.outs, news),
    delete: (resource) => host.delete(resource.id, resource.outs),
    up: (args) => upThrough(driver, args),
    transcripts: () => [{ source: "host output", text: host.output() }],
    secretOutputs: () => ({ checked: 0, plain: [] }),
    close: () => host.close(),
  };
  return driver;
}

/** The resource name in every URN the plugin driver sends: its generated names then start as the host's do. */
const RESOURCE_NAME = "token";

/**
 * A driver over a running plugin session (best started with `captureStderr`, so that its transcript holds
 * what the plugin printed).
 */
export function pluginDriver(session: PluginSession): ModeDriver {
  let checked = 0;
  const plain: string[] = [];
  /** Every gRPC error as it came over the wire, for the transcript. */
  const errors: string[] = [];
  const guarded = <T>(call: () => Promise<T>) => wireCall(errors, call);
  /** The outputs with the password unwrapped, noting whether it came as a secret. */
  const unwrapped = (where: string, outs: Props): Props => {
    checked++;
    const password = outs.password as Props | undefined;
    if (password !== null && typeof password === "object" && password[SECRET_KEY] === SECRET_SIG) {
      return { ...outs, password: password.value };
    }
    // Never the value itself: this text ends up in an assertion message.
    plain.push(`${where}: the password came as ${password === undefined ? "nothing" : typeof password}`);
    return outs;
  };
  /** A resource as the engine sends it back: its password a secret, as the state stores it. */
  const stored = (resource: HostResource) => ({
    id: resource.id,
    inputs: resource.inputs,
    outs:
      typeof resource.outs.password === "string"
        ? { ...resource.outs, password: secretValue(resource.outs.password) }
        : resource.outs,
  });
  const readAnswer = (answer: Awaited<ReturnType<PluginSession["read"]>>): ReadAnswer =>
    answer === undefined
      ? { id: "", properties: {} }
      : { id: answer.id, properties: unwrapped("read", answer.outs), inputs: answer.inputs };

  const driver: ModeDriver = {
    mode: "plugin",
    configure: (settings) => guarded(() => session.configure(configOf(settings, (key) => key))),
    program: async (args) => plainInputs(args),
    check: (olds, news) => guarded(() => session.checkAnswer(RESOURCE_NAME, news, olds)),
    diff: (resource, news) =>
      guarded(async () => {
        const { changes, replaces, deleteBeforeReplace } = await session.diff(
          RESOURCE_NAME,
          stored(resource),
          news,
        );
        return { changes, replaces, deleteBeforeReplace };
      }),
    create: (inputs) =>
      guarded(async () => {
        const created = await session.create(RESOURCE_NAME, inputs);
        return { id: created.id, properties: unwrapped("create", created.outs) };
      }),
    read: (resource) => guarded(async () => readAnswer(await session.read(RESOURCE_NAME, stored(resource)))),
    readById: (id) =>
      guarded(async () => readAnswer(await session.read(RESOURCE_NAME, { id, inputs: {}, outs: {} }))),
    update: (resource, news) =>
      guarded(async () =>
        unwrapped("update", (await session.update(RESOURCE_NAME, stored(resource), news)).outs),
      ),
    delete: (resource) => guarded(() => session.delete(RESOURCE_NAME, stored(resource))),
    up: (args) => upThrough(driver, args),
    transcripts: () => [
      { source: "plugin stderr", text: session.output() },
      { source: "gRPC errors", text: errors.join("\n") },
    ],
    secretOutputs: () => ({ checked, plain: [...plain] }),
    close: () => session.close(),
  };
  return driver;
}

/**
 * Runs a plugin call; a gRPC error becomes a plain Error whose message is what the engine shows (the status
 * details, as the dynamic host's errors are), and is kept whole — message, details, metadata — for leak scans.
 */
async function wireCall<T>(log: string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as Error & { details?: string; code?: number; metadata?: { getMap(): unknown } };
    log.push([e.message, e.details ?? "", JSON.stringify(e.metadata?.getMap() ?? {})].join("\n"));
    throw Object.assign(new Error(e.details ?? e.message), { code: e.code });
  }
}

async function upThrough(driver: ModeDriver, args: RegistryTokenArgs | Props): Promise<HostResource> {
  const { inputs, failures } = await driver.check({}, await driver.program(args));
  if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  const { id, properties } = await driver.create(inputs);
  return { id, inputs, outs: properties };
}
