import type { WireErrorMessage } from "./models";

/** What an {@link IonosApiError} knows about the call that failed. Never headers, bodies or credentials. */
export interface IonosApiErrorDetails {
  /** The API operation, e.g. `registriesTokensPost`. */
  operation: string;
  /** HTTP method. */
  method: string;
  /** The request path relative to the API base, with ids but without query string, e.g. `/registries/…/tokens`. */
  route: string;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number;
  /** The API's `messages[]`, already redacted. */
  messages: WireErrorMessage[];
  /** Whether the failure class is one a retry could cure (network error, 429, 502–504). */
  retryable: boolean;
  /** How many attempts were made before giving up. */
  attempts: number;
  /**
   * True when a write may have been applied although no success answer arrived (timeout, reset connection,
   * 5xx after the request was sent). The caller must find out before trying again.
   */
  ambiguous: boolean;
  /** Short description of the low-level cause when there was no response (e.g. `ECONNRESET`, `timeout`). */
  cause?: string;
  /** The API base URL; named when no response arrived, so a wrong endpoint shows. */
  endpoint?: string;
  /** One more sentence for the reader (e.g. where refused credentials came from); never a secret. */
  hint?: string;
  /**
   * Whether the answer's body was the API's own error document (JSON with `httpStatus` or `messages`). A 404
   * from anything else — a wrong endpoint, a proxy's page — proves nothing about the token. Absent when no
   * answer arrived.
   */
  fromApi?: boolean;
}

/** Brand property for {@link isIonosApiError}; survives duplicate copies of this module. */
const BRAND = "__isIonosApiError";

/**
 * The one error type of the API client: a real `Error` carrying {@link IonosApiErrorDetails}. Its message names
 * the operation, the HTTP status, the API's messages and the registry/token ids — and nothing secret: no
 * header, no body (a 201 body carries the password), no credential.
 */
export interface IonosApiError extends Error, Omit<IonosApiErrorDetails, "cause"> {
  name: "IonosApiError";
  cause?: string;
}

/**
 * Creates an {@link IonosApiError}. A factory rather than an `Error` subclass: Pulumi's closure serializer
 * rewrites classes into functions that call `Error.call(this, message)`, which leaves the message empty.
 */
export function ionosApiError(details: IonosApiErrorDetails): IonosApiError {
  const error = new Error(describeFailure(details)) as IonosApiError;
  error.name = "IonosApiError";
  Object.assign(error, details, { [BRAND]: true });
  return error;
}

/**
 * True when `error` is the API saying that what was asked for does not exist: a 404 whose body is the API's
 * error document. Only that may count as "the token is gone" — a 404 page from a wrong endpoint must never make
 * a refresh drop a live token from the state or a destroy report one deleted.
 */
export function isNotFound(error: unknown): error is IonosApiError {
  return isIonosApiError(error) && error.status === 404 && error.fromApi === true;
}

/** True when `value` was made by {@link ionosApiError}. */
export function isIonosApiError(value: unknown): value is IonosApiError {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[BRAND] === true;
}

function describeFailure(d: IonosApiErrorDetails): string {
  const outcome =
    d.status === 0
      ? `no response${d.endpoint ? ` from ${d.endpoint}` : ""} (${d.cause ?? "network error"})`
      : d.status < 300
        ? `an unusable answer (HTTP ${d.status}: ${d.cause ?? "unreadable"})`
        : d.cause
          ? `HTTP ${d.status} (${d.cause})`
          : `HTTP ${d.status}`;
  // Every message the API gave, each with its errorCode: the API often reports several problems at once.
  const detail = d.messages
    .filter((m) => m.message)
    .map((m) => (m.errorCode ? `${m.message} (${m.errorCode})` : m.message))
    .join("; ");
  const tries = d.attempts > 1 ? ` after ${d.attempts} attempts` : "";
  const hint = d.hint ? ` ${d.hint}` : "";
  return `IONOS API ${d.operation} (${d.method} ${d.route}) failed with ${outcome}${tries}${detail ? `: ${detail}` : ""}${hint}`;
}

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`. Used on any text that came from a
 * response (the API could echo a value back) before it is put into an error.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/** The same failure with one more sentence for the reader, after any it already has. */
export function withHint(error: IonosApiError, sentence: string): IonosApiError {
  // The details are the error's own enumerable properties (`ionosApiError` assigned them).
  const details = { ...error } as unknown as IonosApiErrorDetails;
  return ionosApiError({ ...details, hint: error.hint ? `${error.hint} ${sentence}` : sentence });
}
