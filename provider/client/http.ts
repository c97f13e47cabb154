import type { Agent } from "http";
import { ionosApiError, redact, type IonosApiError } from "./errors";
import type { WireErrorBody, WireErrorMessage } from "./models";
import { isRetryable, nextDelay, parseRetryAfter, type AttemptOutcome, type RetryPolicy } from "./retry";
import { neverSecured, TlsSessionTracker, type AttemptConnection } from "./tlsSessions";

/**
 * What the client passes to `fetch`: the part of node-fetch's `RequestInit` it uses. Declared here rather than
 * imported from `@types/node-fetch` (a development dependency only), so that the published declarations
 * type-check in a user's project without it; a unit test proves node-fetch's `fetch` still fits.
 */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  agent: Agent;
  signal: AbortSignal;
  redirect: "manual";
}

/** The part of a `fetch` response the client reads. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The subset of node-fetch's `fetch` the client uses; injectable for unit tests. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** How to reach and authenticate to the API. */
export interface HttpClientOptions {
  /** API base, e.g. `https://api.ionos.com/containerregistries` (no trailing slash). */
  baseUrl: string;
  /** The full `Authorization` header value (`Bearer …` or `Basic …`). */
  authorization: string;
  /** `User-Agent` header value. */
  userAgent: string;
  /** Per-attempt timeout, covering the response body too. */
  timeoutMs: number;
  /** Retry limits. */
  retry: RetryPolicy;
  /** Values never to let through into an error message (credentials). */
  secrets: readonly string[];
  /** Where the credentials came from (key names only), said when the API refuses them (401, 403). */
  credentialSource?: string;
  /** @default node-fetch */
  fetch?: FetchLike;
  /** @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
}

/** One API call. `path` is relative to the base URL and must already carry the ids. */
export interface ApiCall {
  operation: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /**
   * Whether repeating the call after a lost answer is harmless. @default true for every method but POST; a
   * PUT that may create is not (a repeat would replace what the first created, and lose its password).
   */
  idempotent?: boolean;
}

/** A successful (2xx) answer. `body` is undefined for an empty body (204). */
export interface ApiResult<T> {
  status: number;
  body: T | undefined;
}

/** Network error codes that prove the request never reached the server, so even a POST may be retried. */
const NOT_SENT_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"];

/**
 * The only caller of `fetch`: adds auth, JSON and User-Agent headers, a timeout per attempt, retries what
 * {@link isRetryable} allows, and turns every failure into an {@link IonosApiError}. Holds a keep-alive agent,
 * created here at run time (never at module scope, where Pulumi's closure serializer would try to freeze it).
 */
export class HttpClient {
  private readonly options: HttpClientOptions;
  private readonly agent: Agent;
  /** HTTPS only: what each attempt's connection did (undefined over plain http). */
  private readonly tls: TlsSessionTracker | undefined;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.tls = options.baseUrl.startsWith("https:") ? new TlsSessionTracker() : undefined;
    const agent = createAgent(options.baseUrl);
    this.agent = this.tls ? this.tls.instrument(agent) : agent;
  }

  /** Sends `call`, retrying as the policy allows. Resolves with a 2xx answer, rejects with an IonosApiError. */
  async send<T>(call: ApiCall): Promise<ApiResult<T>> {
    const { retry, now = Date.now, random = Math.random, sleep = defaultSleep } = this.options;
    const started = now();
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt<T>(call);
      if ("result" in outcome) return outcome.result;
      const failure = outcome.failure;
      const delay = isRetryable(call.method, failure.outcome, call.idempotent)
        ? nextDelay(attempt - 1, now() - started, failure.retryAfterMs, retry, random)
        : undefined;
      if (delay === undefined) throw this.toError(call, failure, attempt);
      await sleep(delay);
    }
  }

  /** Releases the keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private async attempt<T>(call: ApiCall): Promise<{ result: ApiResult<T> } | { failure: AttemptFailure }> {
    const fetchImpl = this.options.fetch ?? loadFetch();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let connection: AttemptConnection | undefined;
    try {
      const send = () => fetchImpl(this.url(call), this.init(call, controller.signal));
      let pending: Promise<FetchResponse>;
      if (this.tls) ({ connection, result: pending } = this.tls.track(send));
      else pending = send();
      const response = await pending;
      const text = await response.text();
      if (response.ok) {
        const parsed = parseJson<T>(text);
        // A 2xx we cannot read tells us nothing about what happened: treat it like a lost answer.
        if (!parsed.ok)
          return {
            failure: {
              outcome: { kind: "network", sent: true },
              messages: [],
              cause: "unreadable response body",
            },
          };
        return { result: { status: response.status, body: parsed.value } };
      }
      const retryAfterMs = parseRetryAfter(
        response.headers.get("retry-after"),
        (this.options.now ?? Date.now)(),
      );
      const fromApi = isApiErrorDocument(text);
      return {
        failure: {
          outcome: { kind: "response", status: response.status },
          messages: errorMessages(text),
          fromApi,
          retryAfterMs,
          // Not 2xx and below 400: a redirect (see `init`), which names where the API moved. A 404 that is not
          // the API's own answer comes from something else at that address.
          cause:
            response.status < 400
              ? this.redirectCause(response.headers.get("location"))
              : response.status === 404 && !fromApi
                ? "not an answer of the IONOS API: check the endpoint"
                : undefined,
        },
      };
    } catch (error) {
      return { failure: networkFailure(error, controller.signal.aborted, connection) };
    } finally {
      clearTimeout(timer);
    }
  }

  private redirectCause(location: string | null): string {
    const where = location ? redact(location, this.options.secrets) : "no Location";
    return `a redirect to ${where}, not followed: set the endpoint to the API's final URL`;
  }

  private url(call: ApiCall): string {
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : "";
    return `${this.options.baseUrl}${call.path}${query}`;
  }

  private init(call: ApiCall, signal: AbortSignal): FetchInit {
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: this.options.authorization,
      "User-Agent": this.options.userAgent,
    };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    return {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      agent: this.agent,
      signal,
      // Never followed (credentials must not travel to another URL), but read: a 3xx is a definite answer
      // naming where the API moved, not a lost one to retry or to treat as a possible create.
      redirect: "manual",
    };
  }

  private toError(call: ApiCall, failure: AttemptFailure, attempts: number): IonosApiError {
    const { outcome } = failure;
    const status = outcome.kind === "response" ? outcome.status : 0;
    const ambiguous =
      call.method !== "GET" && (outcome.kind === "network" ? outcome.sent : status >= 500 || status === 408);
    return ionosApiError({
      operation: call.operation,
      method: call.method,
      route: call.path,
      status,
      messages: failure.messages.map((m) => ({
        errorCode: m.errorCode,
        message: m.message && redact(m.message, this.options.secrets),
      })),
      retryable: isRetryable(call.method, outcome, call.idempotent),
      attempts,
      ambiguous,
      cause: failure.cause,
      ...(failure.fromApi === undefined ? {} : { fromApi: failure.fromApi }),
      endpoint: this.options.baseUrl,
      hint:
        (status === 401 || status === 403) && this.options.credentialSource
          ? `The credentials came from ${this.options.credentialSource}.`
          : undefined,
    });
  }
}

interface AttemptFailure {
  outcome: AttemptOutcome;
  messages: WireErrorMessage[];
  /** The body was the API's error document (responses only). */
  fromApi?: boolean;
  retryAfterMs?: number;
  cause?: string;
}

function networkFailure(error: unknown, timedOut: boolean, connection?: AttemptConnection): AttemptFailure {
  const code = (error as { code?: string } | null)?.code;
  if (!timedOut && code === "ENOTFOUND") {
    // The host name does not resolve: nothing was sent, and retrying for a minute will not make it resolve.
    return { outcome: { kind: "network", sent: false, permanent: true }, messages: [], cause: code };
  }
  if (!timedOut && isTlsRejection(code)) {
    // The handshake failed, so nothing was sent — and the same certificate will fail again.
    return {
      outcome: { kind: "network", sent: false, permanent: true },
      messages: [],
      cause: `TLS certificate rejected: ${code}`,
    };
  }
  if (!timedOut && isTlsHandshakeFailure(code)) {
    // The handshake failed before any request byte was sent (a wrong port or protocol, an old TLS version).
    return {
      outcome: { kind: "network", sent: false, permanent: true },
      messages: [],
      cause: `TLS handshake failed: ${code}`,
    };
  }
  const notSent = !timedOut && code !== undefined && NOT_SENT_CODES.includes(code);
  if (!notSent && neverSecured(connection)) {
    // The connection was made but no TLS session was established on it, so no request byte was sent. A protocol
    // error there (a plain-HTTP port: EPROTO on some Node.js lines) fails the same way every time; a reset or a
    // timeout may not, so those are retried — safely, even for a POST.
    const protocol = !timedOut && isTlsProtocolFailure(code);
    return {
      outcome: { kind: "network", sent: false, ...(protocol ? { permanent: true } : {}) },
      messages: [],
      cause: protocol
        ? `TLS handshake failed: ${code}`
        : `${timedOut ? "timeout" : (code ?? "network error")} before the TLS handshake completed`,
    };
  }
  const sent = timedOut || !notSent;
  const cause = timedOut ? "timeout" : (code ?? "network error");
  return { outcome: { kind: "network", sent }, messages: [], cause };
}

/**
 * Codes that only a TLS handshake produces, so no request byte was sent: the server does not speak TLS there,
 * or no protocol version is acceptable to both sides. Generic ones (`EPROTO`, a bad record MAC, a handshake
 * timeout) may also come from a connection that already carried the request: those stay ambiguous.
 */
const TLS_HANDSHAKE_ONLY = [
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_UNSUPPORTED_PROTOCOL",
  "ERR_SSL_NO_PROTOCOLS_AVAILABLE",
  "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
  "ERR_TLS_INVALID_PROTOCOL_VERSION",
];

function isTlsHandshakeFailure(code: string | undefined): boolean {
  return code !== undefined && TLS_HANDSHAKE_ONLY.includes(code);
}

/** Codes of a failed TLS exchange, generic ones included (known to be a handshake's when no session was made). */
function isTlsProtocolFailure(code: string | undefined): boolean {
  return code !== undefined && (code === "EPROTO" || /^ERR_(SSL|TLS)_/.test(code));
}

/** Node's codes for a server certificate that failed verification (OpenSSL's names, and ERR_TLS_CERT_*). */
function isTlsRejection(code: string | undefined): boolean {
  return (
    code !== undefined &&
    /^(ERR_TLS_CERT|CERT_|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED)/.test(code)
  );
}

/**
 * The `messages` of an error body, read defensively: an answer that is not JSON, has no list, or holds entries
 * whose fields are not strings (a proxy's page, `{"message": 42}`) must still become a clear error — a
 * `TypeError` here would skip a create's recovery look-up and orphan the token it may have made.
 */
function errorMessages(text: string): WireErrorMessage[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (body as WireErrorBody | null)?.messages;
  if (!Array.isArray(list)) return [];
  return list
    .filter((m): m is Record<string, unknown> => typeof m === "object" && m !== null)
    .map((m) => ({ errorCode: asText(m.errorCode), message: asText(m.message) }));
}

/** Whether `text` is the API's error document: a JSON object with a numeric `httpStatus` or a `messages` list. */
function isApiErrorDocument(text: string): boolean {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
    const { httpStatus, messages } = body as { httpStatus?: unknown; messages?: unknown };
    return typeof httpStatus === "number" || Array.isArray(messages);
  } catch {
    return false;
  }
}

/** A field of an error body as text: strings as they are, numbers and booleans printed, objects as JSON. */
function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || typeof value !== "object") return undefined;
  try {
    return JSON.stringify(value).slice(0, 500);
  } catch {
    return undefined;
  }
}

function parseJson<T>(text: string): { ok: true; value: T | undefined } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch {
    return { ok: false };
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Loaded lazily: a `require` inside the function keeps node-fetch out of the serialized provider code. */
function loadFetch(): FetchLike {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("node-fetch") as FetchLike;
}

function createAgent(baseUrl: string): Agent {
  // Certificate verification is stated explicitly so that NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch it off.
  /* eslint-disable @typescript-eslint/no-require-imports */
  return baseUrl.startsWith("https:")
    ? new (require("https") as typeof import("https")).Agent({ keepAlive: true, rejectUnauthorized: true })
    : new (require("http") as typeof import("http")).Agent({ keepAlive: true });
  /* eslint-enable @typescript-eslint/no-require-imports */
}
