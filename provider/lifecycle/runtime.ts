/**
 * The implementation of the `RegistryToken` provider's methods. The provider object (`dynamic/glue.ts`) is what
 * Pulumi serializes into every resource's state; it loads this module by package name inside the provider
 * host and delegates here. The state then stores a few hundred bytes of glue instead of all this code.
 *
 * Glue recorded by every earlier release calls `configure`, `check`, `diff`, `create`, `read`, `update` and
 * `delete` below by position: their parameters are part of the state contract (`dynamic/stateContract.ts`, which the
 * build checks them against). Add optional parameters if need be; never change the existing ones.
 */
import type * as pulumi from "@pulumi/pulumi";
import { tokensApiWith } from "./apiClient";
import type { TokensApi } from "../client/tokens";
import { diffToken, type TokenDiff } from "../rules/diff";
import { createToken } from "./creation";
import { engineGone } from "./engineLiveness";
import {
  lookUpToken,
  lookUpTokens,
  type GetRegistryTokenArgs,
  type GetRegistryTokensArgs,
  type RegistryTokenInfo,
} from "./lookup";
import { withUnsetAsNull } from "../rules/mapping";
import { warnUser } from "./engineLog";
import { deleteToken, readToken, updateToken } from "./operations";
import {
  currentTime,
  resolveSettings,
  type ConfigKeys,
  type ConfigReader,
  type ProviderSettings,
} from "./settings";
import { explainStoredSettings } from "./storedSettings";
import type { TokenInputs, TokenOutputs } from "../rules/types";
import { checkTokenInputs } from "../rules/validate";

/** What one provider instance keeps at run time: how to read the stack config, and its API client. */
interface ProviderState {
  config?: ConfigReader;
  /** The config keys the instance's mode reads (messages name them); the dynamic provider's by default. */
  configKeys?: ConfigKeys;
  /** The settings resolved on first use, kept to explain failures (`storedSettings.ts`). */
  settings?: ProviderSettings;
  api?: TokensApi;
}

/**
 * Run-time state per provider instance. It lives here, in a module the serialized provider `require`s inside
 * Pulumi's provider host, never on the provider object itself — so nothing set at run time (config, clients,
 * sockets) could ever be serialized into state, even in a process that both configures and serializes.
 */
const states = new WeakMap<object, ProviderState>();

function stateOf(provider: object): ProviderState {
  let state = states.get(provider);
  if (!state) {
    state = {};
    states.set(provider, state);
  }
  return state;
}

/**
 * `configure`: remembers how to read the stack config. Settings are resolved lazily, so `check`/`diff` never
 * need them. `configKeys`: the keys the caller's mode reads (the plugin's differ from the dynamic provider's).
 */
export async function configure(
  provider: object,
  req: pulumi.dynamic.ConfigureRequest,
  configKeys?: ConfigKeys,
): Promise<void> {
  const config = req.config;
  const state = stateOf(provider);
  state.config = (key) => config.get(key);
  state.configKeys = configKeys;
  // New settings need a new client; the old one's keep-alive sockets are released.
  state.api?.close();
  state.api = undefined;
  state.settings = undefined;
}

/** The input the dynamic-provider host adds to every resource's inputs (the serialized provider). */
export const DYNAMIC_ENGINE_KEYS: readonly string[] = ["__provider"];

/**
 * `check`: validates and normalizes inputs; no API call. `engineKeys`: inputs the caller's protocol adds itself,
 * let through untouched — the dynamic host's `__provider` by default; none for the plugin, where such a key can
 * only be a program's mistake. `randomSeed`: the engine's seed for generated names (the plugin gets one; the
 * dynamic host passes none).
 */
export async function check(
  olds: Partial<TokenInputs>,
  news: Partial<TokenInputs>,
  engineKeys: readonly string[] = DYNAMIC_ENGINE_KEYS,
  randomSeed?: Uint8Array,
): Promise<pulumi.dynamic.CheckResult<TokenInputs>> {
  const outcome = checkTokenInputs(
    (olds ?? {}) as Record<string, unknown>,
    (news ?? {}) as Record<string, unknown>,
    currentTime(process.env),
    engineKeys,
    randomSeed,
  );
  return { inputs: outcome.inputs as unknown as TokenInputs, failures: outcome.failures };
}

/** `diff`: update-or-replace decision with an explicit `changes`; no API call. */
export async function diff(olds: TokenOutputs, news: TokenInputs): Promise<pulumi.dynamic.DiffResult> {
  const { changes, replaces, deleteBeforeReplace } = await diffDetails(olds, news);
  return { changes, replaces, deleteBeforeReplace };
}

/**
 * The whole diff decision, including the properties that change in place (the plugin reports them as a detailed
 * diff; the dynamic-provider host has no field for them). Warns when a rotation is what replaces the token.
 */
export async function diffDetails(olds: TokenOutputs, news: TokenInputs, urn?: string): Promise<TokenDiff> {
  const result = diffToken(
    olds as unknown as Record<string, unknown>,
    withUnsetAsNull(news) as unknown as Record<string, unknown>,
    currentTime(process.env),
  );
  if (result.rotation !== null) {
    // The replacement gets a fresh expiry, so no property in the diff shows why the token is replaced: say it.
    await warnUser(
      `RegistryToken ${String(news.name)} is due for rotation: ${result.rotation}`,
      undefined,
      urn,
    );
  }
  return result;
}

/** `create`: POST; returns the outputs with the one-time password. */
export async function create(
  provider: object,
  inputs: TokenInputs,
): Promise<pulumi.dynamic.CreateResult<TokenOutputs>> {
  return createToken(tokensApi(provider), withUnsetAsNull(inputs), Date.now, { engineGone });
}

/**
 * `read`: GET; keeps the stored password; an empty ID when the token is gone; inputs when a declared property
 * drifted. `storedInputs`: the stored inputs, when the caller has them (the plugin).
 */
export async function read(
  provider: object,
  id: string,
  props?: TokenOutputs,
  storedInputs?: Partial<TokenInputs>,
): Promise<pulumi.dynamic.ReadResult<TokenOutputs>> {
  // The SDK types `inputs` as outputs; a read reports the token's input view there.
  const result = await explainingStoredSettings(provider, () =>
    readToken(tokensApi(provider), id, props ?? {}, storedInputs),
  );
  return result as pulumi.dynamic.ReadResult<TokenOutputs>;
}

/** `update`: PATCH of what changed (PUT at the same ID if the token vanished); returns every output. */
export async function update(
  provider: object,
  id: string,
  olds: TokenOutputs,
  news: TokenInputs,
): Promise<pulumi.dynamic.UpdateResult<TokenOutputs>> {
  return {
    outs: await updateToken(tokensApi(provider), id, olds, withUnsetAsNull(news), currentTime(process.env)),
  };
}

/** The `getRegistryToken` look-up with this provider instance's settings (the plugin's invoke). */
export async function getToken(provider: object, args: GetRegistryTokenArgs): Promise<RegistryTokenInfo> {
  return lookUpToken(tokensApi(provider), args);
}

/** The `getRegistryTokens` look-up with this provider instance's settings (the plugin's invoke). */
export async function getTokens(
  provider: object,
  args: GetRegistryTokensArgs,
): Promise<{ tokens: RegistryTokenInfo[] }> {
  return lookUpTokens(tokensApi(provider), args);
}

/** `delete`: DELETE; a token already gone counts as deleted. */
async function deleteOperation(provider: object, id: string): Promise<void> {
  await explainingStoredSettings(provider, () => deleteToken(tokensApi(provider), id));
}
export { deleteOperation as delete };

/** The API client of a provider instance, built on first use from config (when `configure` ran) and the environment. */
function tokensApi(provider: object): TokensApi {
  const state = stateOf(provider);
  state.settings ??= resolveSettings(state.config ?? (() => undefined), process.env, state.configKeys);
  state.api ??= tokensApiWith(state.settings);
  return state.api;
}

/**
 * Runs a read or a delete, the calls `refresh` and `destroy` make, and adds to a failure of the settings the
 * engine stored at the last `up` where they came from and how to use the current ones (`storedSettings.ts`).
 */
async function explainingStoredSettings<T>(provider: object, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainStoredSettings(error, stateOf(provider).settings?.configKeysUsed);
  }
}
