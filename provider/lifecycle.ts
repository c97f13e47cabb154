import type * as pulumi from "@pulumi/pulumi";
import { HttpClient } from "./client/http";
import { DEFAULT_RETRY_POLICY } from "./client/retry";
import { TokensApi } from "./client/tokens";
import { diffToken } from "./diff";
import { createToken, deleteToken, readToken, updateToken } from "./operations";
import {
  authorizationHeader,
  currentTime,
  resolveSettings,
  secretForms,
  type ConfigReader,
} from "./settings";
import type { TokenInputs, TokenOutputs } from "./types";
import { checkTokenInputs } from "./validate";
import { USER_AGENT } from "./version";

/**
 * The `RegistryToken` dynamic provider. Its methods only wire inputs through pure functions to the API client.
 *
 * Pulumi serializes this object, with everything its methods reference, into every resource's state. So it holds
 * nothing at construction; settings are read in `configure` (stack config, then environment) and the HTTP client
 * is built on first use, both inside Pulumi's provider host at run time — never in the program that serializes.
 * It keeps no per-resource state: one host serves all tokens of a deployment concurrently.
 */
export class RegistryTokenProvider implements pulumi.dynamic.ResourceProvider<TokenInputs, TokenOutputs> {
  private config?: ConfigReader;
  private api?: TokensApi;

  /** Remembers how to read the stack config. Settings are resolved lazily, so `check`/`diff` never need them. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const config = req.config;
    this.config = (key) => config.get(key);
    this.api = undefined;
  }

  /** Validates and normalizes inputs; no API call. */
  async check(olds: TokenInputs, news: TokenInputs): Promise<pulumi.dynamic.CheckResult<TokenInputs>> {
    const outcome = checkTokenInputs(
      (olds ?? {}) as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
      currentTime(process.env),
    );
    return { inputs: outcome.inputs as unknown as TokenInputs, failures: outcome.failures };
  }

  /** Update-or-replace decision with an explicit `changes`; no API call. */
  async diff(_id: string, olds: TokenOutputs, news: TokenInputs): Promise<pulumi.dynamic.DiffResult> {
    const { changes, replaces, deleteBeforeReplace } = diffToken(
      olds as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
    );
    return { changes, replaces, deleteBeforeReplace };
  }

  /** POST; returns the outputs with the one-time password. */
  async create(inputs: TokenInputs): Promise<pulumi.dynamic.CreateResult<TokenOutputs>> {
    return createToken(this.tokens(), inputs);
  }

  /** GET; keeps the stored password; an empty ID when the token is gone. */
  async read(id: string, props?: TokenOutputs): Promise<pulumi.dynamic.ReadResult<TokenOutputs>> {
    // The SDK types `inputs` as outputs; a read reports the token's input view there.
    return (await readToken(this.tokens(), id, props ?? {})) as pulumi.dynamic.ReadResult<TokenOutputs>;
  }

  /** PATCH of what changed (PUT at the same ID if the token vanished); returns every output. */
  async update(
    id: string,
    olds: TokenOutputs,
    news: TokenInputs,
  ): Promise<pulumi.dynamic.UpdateResult<TokenOutputs>> {
    return { outs: await updateToken(this.tokens(), id, olds, news) };
  }

  /** DELETE; a token already gone counts as deleted. */
  async delete(id: string): Promise<void> {
    await deleteToken(this.tokens(), id);
  }

  /** The API client, built on first use from config (when `configure` ran) and the environment. */
  private tokens(): TokensApi {
    if (!this.api) {
      const settings = resolveSettings(this.config ?? (() => undefined), process.env);
      const http = new HttpClient({
        baseUrl: settings.baseUrl,
        authorization: authorizationHeader(settings.credentials),
        userAgent: USER_AGENT,
        timeoutMs: settings.requestTimeoutMs,
        retry: { ...DEFAULT_RETRY_POLICY, maxElapsedMs: settings.retryBudgetMs },
        secrets: secretForms(settings.credentials),
      });
      this.api = new TokensApi(http);
    }
    return this.api;
  }
}

/** The single provider instance every `RegistryToken` uses (one instance keeps Pulumi's serialization cached). */
export const registryTokenProvider: RegistryTokenProvider = new RegistryTokenProvider();
