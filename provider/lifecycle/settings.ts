import { parseRfc3339 } from "../rules/normalize";

/** Where the API lives when nothing else is configured. */
export const DEFAULT_ENDPOINT = "https://api.ionos.com/containerregistries";

/** How the provider authenticates: a token (Bearer) wins over username + password (Basic). */
export type Credentials =
  { kind: "token"; token: string } | { kind: "basic"; username: string; password: string };

/** Everything the provider needs at run time; resolved in `configure`, never captured into state. */
export interface ProviderSettings {
  /** API base URL, ending in `/containerregistries`, without a trailing slash. */
  baseUrl: string;
  credentials: Credentials;
  /**
   * Where the credentials came from, for error messages (names only, never values), e.g.
   * `stack config ionoscloud:token`.
   */
  credentialSource: string;
  /**
   * The stack config keys the credentials and the endpoint were read from (none when they came from the
   * environment or the default). The engine stores these values in the stack at `pulumi up` and hands the stored
   * ones back on `refresh` and `destroy`; `storedSettings.ts` says so when they fail.
   */
  configKeysUsed: { credentials: string[]; endpoint?: string };
  /** Per-request timeout. @default 30000 */
  requestTimeoutMs: number;
  /** Budget for all retry waits of one call. @default 60000 */
  retryBudgetMs: number;
}

/** Reads one setting by full key (`ionoscloud:token`); Pulumi's `req.config.get` fits. */
export type ConfigReader = (key: string) => string | undefined;

/** The settings this provider reads, by name. */
export type SettingName =
  "token" | "username" | "password" | "endpoint" | "requestTimeoutMs" | "retryBudgetMs";

/** The stack config key of each setting: the modes read the same settings under different keys. */
export type ConfigKeys = Readonly<Record<SettingName, string>>;

/** The settings this provider reads: stack config key (dynamic provider), then environment variable. */
export const SETTING_SOURCES = {
  token: ["ionoscloud:token", "IONOS_TOKEN"],
  username: ["ionoscloud:username", "IONOS_USERNAME"],
  password: ["ionoscloud:password", "IONOS_PASSWORD"],
  endpoint: ["ionoscloud:endpoint", "IONOS_API_URL"],
  requestTimeoutMs: ["ionos-registry-token:requestTimeoutMs", "IONOS_REGISTRY_TOKEN_TIMEOUT_MS"],
  retryBudgetMs: ["ionos-registry-token:retryBudgetMs", "IONOS_REGISTRY_TOKEN_RETRY_BUDGET_MS"],
} as const;

/** The dynamic provider's config keys: the official IONOS provider's `ionoscloud:*`, and the package's own. */
export const DYNAMIC_CONFIG_KEYS = Object.fromEntries(
  Object.entries(SETTING_SOURCES).map(([name, [key]]) => [name, key]),
) as unknown as ConfigKeys;

/** The plugin's provider config keys (`ionos-registry-token:<setting>`), as its schema declares them. */
export const PLUGIN_CONFIG_KEYS: ConfigKeys = {
  token: "ionos-registry-token:token",
  username: "ionos-registry-token:username",
  password: "ionos-registry-token:password",
  endpoint: "ionos-registry-token:endpoint",
  requestTimeoutMs: "ionos-registry-token:requestTimeoutMs",
  retryBudgetMs: "ionos-registry-token:retryBudgetMs",
};

/**
 * A configuration mistake (an `Error` named `SettingsError`); its message says which keys or variables to set,
 * and never echoes a secret. A factory, not a subclass: see `ionosApiError` for why.
 */
export function settingsError(message: string): Error {
  const error = new Error(message);
  error.name = "SettingsError";
  return error;
}

/**
 * Resolves the provider settings from stack config, falling back to the environment. Throws a
 * `SettingsError` when credentials are missing or incomplete, a number is malformed, or credentials would
 * travel over plain `http://` to anything but a loopback address. Messages name the keys of `configKeys`,
 * the ones the user's mode reads; `null` when there is no stack config (a command run outside Pulumi).
 */
export function resolveSettings(
  config: ConfigReader,
  env: Record<string, string | undefined>,
  configKeys: ConfigKeys | null = DYNAMIC_CONFIG_KEYS,
): ProviderSettings {
  const clean = (value: string | undefined) =>
    value === undefined || value.trim() === "" ? undefined : value.trim();
  const fromConfig = (name: SettingName) => (configKeys ? clean(config(configKeys[name])) : undefined);
  const fromEnv = (name: keyof typeof SETTING_SOURCES) => clean(env[SETTING_SOURCES[name][1]]);
  const read = (name: keyof typeof SETTING_SOURCES) => fromConfig(name) ?? fromEnv(name);
  // Credentials come as a set from one source: any in stack config win over all in the environment, so an
  // IONOS_TOKEN left in a shell cannot override a username/password the stack declares. Within a source, a
  // token wins over username/password.
  const CREDENTIALS = ["token", "username", "password"] as const;
  const fromStack = CREDENTIALS.some((name) => fromConfig(name) !== undefined);
  const source = fromStack ? fromConfig : fromEnv;
  const keyOf = (name: (typeof CREDENTIALS)[number]) =>
    fromStack && configKeys ? configKeys[name] : SETTING_SOURCES[name][1];
  const credentials = resolveCredentials(
    { token: source("token"), username: source("username"), password: source("password") },
    { keyOf, fromStack, configKeys },
  );
  const used = (
    credentials.kind === "token" ? (["token"] as const) : (["username", "password"] as const)
  ).map(keyOf);
  const ignored =
    fromStack && CREDENTIALS.some((name) => fromEnv(name) !== undefined)
      ? " (IONOS_* credentials in the environment are not used while the stack config sets any)"
      : "";
  // The plugin's keys are its provider's config: the stack config for the default provider, or an explicit
  // provider resource's inputs. The dynamic provider reads the stack config itself.
  const configName =
    configKeys && configKeys.token !== SETTING_SOURCES.token[0] ? "provider config" : "stack config";
  const credentialSource = `${fromStack ? configName : "environment"} ${used.join(" and ")}${ignored}`;
  const endpointKey = configKeys && fromConfig("endpoint") !== undefined ? configKeys.endpoint : undefined;
  return {
    baseUrl: resolveBaseUrl(read("endpoint")),
    credentials,
    credentialSource,
    configKeysUsed: { credentials: fromStack ? used : [], ...(endpointKey ? { endpoint: endpointKey } : {}) },
    requestTimeoutMs: readPositiveInt("requestTimeoutMs", read("requestTimeoutMs"), 30_000),
    retryBudgetMs: readPositiveInt("retryBudgetMs", read("retryBudgetMs"), 60_000),
  };
}

/** The API base URL for a configured endpoint (the default when none): normalized, never plain http to a remote host. */
function resolveBaseUrl(endpoint: string | undefined): string {
  const baseUrl = normalizeEndpoint(endpoint ?? DEFAULT_ENDPOINT);
  const url = new URL(baseUrl);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw settingsError(
      `Refusing to send IONOS credentials over plain http:// to ${url.host}: use https://, ` +
        "or a loopback address (127.0.0.1, ::1, localhost) for a local emulator",
    );
  }
  return baseUrl;
}

/**
 * The mistakes in the settings that can be judged without credentials — the endpoint and the two numbers —
 * by setting name, with the message the provider would fail with later. The plugin's CheckConfig uses it so
 * that a bad value fails the preview, naming the key, before any resource is touched. Values that are absent
 * or not yet known (`isKnown` false) are skipped.
 */
export function settingMistakes(
  values: Partial<Record<SettingName, string>>,
  isKnown: (value: string) => boolean = () => true,
): { setting: SettingName; reason: string }[] {
  const checks: [SettingName, (value: string) => unknown][] = [
    ["endpoint", resolveBaseUrl],
    ["requestTimeoutMs", (v) => readPositiveInt("requestTimeoutMs", v, 0)],
    ["retryBudgetMs", (v) => readPositiveInt("retryBudgetMs", v, 0)],
  ];
  const mistakes: { setting: SettingName; reason: string }[] = [];
  for (const [setting, check] of checks) {
    const value = values[setting]?.trim();
    if (value === undefined || value === "" || !isKnown(value)) continue;
    try {
      check(value);
    } catch (error) {
      mistakes.push({ setting, reason: (error as Error).message });
    }
  }
  return mistakes;
}

/** How {@link resolveCredentials} names keys in its messages. */
interface CredentialNaming {
  /** The key or variable a credential was read from. */
  keyOf: (name: "token" | "username" | "password") => string;
  /** Whether the credentials came from the stack config. */
  fromStack: boolean;
  /** The config keys of the user's mode, for the message when nothing is set; null: the environment only. */
  configKeys: ConfigKeys | null;
}

function resolveCredentials(
  found: { token?: string; username?: string; password?: string },
  { keyOf, fromStack, configKeys }: CredentialNaming,
): Credentials {
  const { token, username, password } = found;
  if (token) return { kind: "token", token };
  if (username && password) return { kind: "basic", username, password };
  if (username || password) {
    // Name the key in the source the other half came from: credentials are taken as a set from one source.
    const [missing, present] = username
      ? (["password", "username"] as const)
      : (["username", "password"] as const);
    throw settingsError(
      `IONOS credentials are incomplete: ${keyOf(present)} is set but ${keyOf(missing)} is missing` +
        (fromStack
          ? ` (set it in the stack config: credentials are read as a set, and the stack config's win over the ` +
            `environment, so ${SETTING_SOURCES[missing][1]} is not used)`
          : ""),
    );
  }
  if (configKeys === null) {
    throw settingsError(
      "IONOS credentials are missing: set IONOS_TOKEN, or IONOS_USERNAME and IONOS_PASSWORD " +
        "(only the environment is read here; IONOS_API_URL selects another endpoint)",
    );
  }
  throw settingsError(
    `IONOS credentials are missing: set a token with \`pulumi config set --secret ${configKeys.token} <token>\` ` +
      "(or the IONOS_TOKEN environment variable), or a username and password with " +
      `\`pulumi config set ${configKeys.username} <user>\` and ` +
      `\`pulumi config set --secret ${configKeys.password} <password>\` (or IONOS_USERNAME and IONOS_PASSWORD)`,
  );
}

/**
 * Turns a configured endpoint into the API base URL, as the IONOS SDKs do: a missing scheme becomes `https://`,
 * and `/containerregistries` is appended unless the path already ends with it.
 */
export function normalizeEndpoint(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw settingsError(`The IONOS endpoint ${JSON.stringify(endpoint)} is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw settingsError(
      `The IONOS endpoint must use https:// (or http:// to a loopback address), got ${url.protocol}`,
    );
  }
  if (url.username || url.password) {
    throw settingsError(
      "The IONOS endpoint must not carry credentials; set them as the token, or username and password, settings",
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  const base = path.endsWith("/containerregistries") ? path : `${path}/containerregistries`;
  return `${url.protocol}//${url.host}${base}`;
}

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts that may receive credentials over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The `Authorization` header value for the credentials. */
export function authorizationHeader(credentials: Credentials): string {
  return credentials.kind === "token"
    ? `Bearer ${credentials.token}`
    : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/** Every form in which the credentials could show up in text, for redaction and leak scans. */
export function secretForms(credentials: Credentials): string[] {
  const header = authorizationHeader(credentials);
  return credentials.kind === "token"
    ? [credentials.token, header]
    : [credentials.password, header, header.slice("Basic ".length)];
}

/**
 * The longest delay a Node.js timer can hold (about 24.8 days). A longer one is silently replaced by 1 ms, which
 * would turn a generous timeout into an instant one, and a long `Retry-After` wait into none.
 */
const MAX_TIMER_MS = 2_147_483_647;

function readPositiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_TIMER_MS) {
    throw settingsError(
      `${name} must be a positive whole number of milliseconds, at most ${MAX_TIMER_MS}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * The provider's notion of "now": `IONOS_REGISTRY_TOKEN_CLOCK` (RFC 3339) when set, else the real clock. It lets
 * `pulumi preview` answer "which tokens would rotate on that date?", and makes rotation tests deterministic.
 * An unreadable value is an error rather than silently ignored.
 */
export function currentTime(
  env: Record<string, string | undefined>,
  realNow: () => number = Date.now,
): number {
  const fixed = env.IONOS_REGISTRY_TOKEN_CLOCK;
  if (fixed === undefined || fixed === "") return realNow();
  const ms = parseRfc3339(fixed);
  if (ms === undefined) {
    throw settingsError(
      `IONOS_REGISTRY_TOKEN_CLOCK must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got ${JSON.stringify(fixed)}`,
    );
  }
  return ms;
}
