/** The API client built from the provider settings: shared by the provider's run time and the package's command. */
import { HttpClient } from "../client/http";
import { DEFAULT_RETRY_POLICY } from "../client/retry";
import { TokensApi } from "../client/tokens";
import {
  authorizationHeader,
  resolveSettings,
  secretForms,
  type ConfigKeys,
  type ConfigReader,
  type ProviderSettings,
} from "./settings";
import { USER_AGENT } from "./version";

/**
 * A tokens API client for the settings that `config` (the stack config, when there is one) and `env` resolve
 * to: endpoint, credentials, timeout and retry budget. Throws a `SettingsError` naming what to set when
 * credentials are missing. `configKeys`: the config keys of the user's mode (the dynamic provider's by default; null: none, the
 * environment only).
 */
export function tokensApiFor(
  config: ConfigReader,
  env: NodeJS.ProcessEnv,
  configKeys?: ConfigKeys | null,
): TokensApi {
  return tokensApiWith(resolveSettings(config, env, configKeys));
}

/** A tokens API client for settings already resolved ({@link resolveSettings}). */
export function tokensApiWith(settings: ProviderSettings): TokensApi {
  const http = new HttpClient({
    baseUrl: settings.baseUrl,
    authorization: authorizationHeader(settings.credentials),
    userAgent: USER_AGENT,
    timeoutMs: settings.requestTimeoutMs,
    retry: { ...DEFAULT_RETRY_POLICY, maxElapsedMs: settings.retryBudgetMs },
    secrets: secretForms(settings.credentials),
    credentialSource: settings.credentialSource,
  });
  return new TokensApi(http);
}
