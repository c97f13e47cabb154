/**
 * The one error type of the emulator and the named factories for every error it puts on the wire.
 *
 * The model and the HTTP layer both throw {@link ApiProblem}; `http/respond.ts` turns it into the API's
 * `ApiErrorResponse` body. Anything else that is thrown is a bug and becomes a 500.
 */

/**
 * The `errorCode` strings the emulator uses. The real API's codes are undocumented; the spec only says
 * `errorCode` is a string, so these are descriptive strings (never integers).
 */
export const ERROR_CODES = {
  validation: "VALIDATION_FAILED",
  notFound: "NOT_FOUND",
  conflict: "CONFLICT",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  methodNotAllowed: "METHOD_NOT_ALLOWED",
  payloadTooLarge: "PAYLOAD_TOO_LARGE",
  unsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  tooManyRequests: "TOO_MANY_REQUESTS",
  injectedFault: "INJECTED_FAULT",
  internal: "INTERNAL_ERROR",
} as const;

/** One of the {@link ERROR_CODES} values. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The API's error body: `{"httpStatus": n, "messages": [{"errorCode": "…", "message": "…"}]}`. */
export interface ApiErrorResponse {
  /** The HTTP status repeated in the body. */
  httpStatus: number;
  /** What went wrong; the emulator always sends at least one message. */
  messages: Array<{ errorCode: string; message: string }>;
}

/**
 * A failure the client is told about: an HTTP status, a string error code, a message that names the bad
 * field or resource, and any headers the status needs (`Allow`, `Retry-After`, `WWW-Authenticate`).
 * Messages never contain credentials, passwords or request bodies.
 */
export class ApiProblem extends Error {
  /** Brand for {@link isApiProblem}, which survives duplicate module copies where `instanceof` does not. */
  readonly isApiProblem = true;

  /**
   * @param status - the HTTP status (4xx or 5xx)
   * @param code - the `errorCode` string
   * @param message - human-readable text naming the field or resource at fault
   * @param headers - extra response headers that belong to this status
   */
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ApiProblem";
  }

  /** The wire body for this problem. */
  toBody(): ApiErrorResponse {
    return { httpStatus: this.status, messages: [{ errorCode: this.code, message: this.message }] };
  }
}

/** True when `value` is an {@link ApiProblem} (by brand, not `instanceof`). */
export function isApiProblem(value: unknown): value is ApiProblem {
  return (
    typeof value === "object" && value !== null && (value as { isApiProblem?: unknown }).isApiProblem === true
  );
}

/** 400: `field` (a JSON path such as `properties.scopes[0].type`) is invalid for `reason`. */
export function invalidField(field: string, reason: string): ApiProblem {
  return new ApiProblem(400, ERROR_CODES.validation, `${field}: ${reason}`);
}

/** 400 for a request-level problem that is not tied to one field (e.g. malformed JSON). */
export function badRequest(message: string): ApiProblem {
  return new ApiProblem(400, ERROR_CODES.validation, message);
}

/** 404: the `kind` (registry, token, route) identified by `id` does not exist. */
export function notFound(kind: string, id: string): ApiProblem {
  return new ApiProblem(404, ERROR_CODES.notFound, `${kind} '${id}' not found`);
}

/** 409: the request clashes with existing state (duplicate name, id owned by another registry). */
export function conflict(message: string): ApiProblem {
  return new ApiProblem(409, ERROR_CODES.conflict, message);
}

/** 401: missing or rejected credentials. The message never echoes what was sent. */
export function unauthorized(reason: string): ApiProblem {
  return new ApiProblem(401, ERROR_CODES.unauthorized, reason, {
    "WWW-Authenticate": 'Basic realm="IONOS Cloud", Bearer',
  });
}

/** 405: the path exists but not for `method`; `allowed` becomes the `Allow` header. */
export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiProblem {
  return new ApiProblem(405, ERROR_CODES.methodNotAllowed, `method ${method} is not allowed on ${path}`, {
    Allow: allowed.join(", "),
  });
}

/** 413: the request body is larger than `limit` bytes. */
export function payloadTooLarge(limit: number): ApiProblem {
  return new ApiProblem(413, ERROR_CODES.payloadTooLarge, `request body exceeds ${limit} bytes`);
}

/** 415: the body is not `application/json`. */
export function unsupportedMediaType(received: string | undefined): ApiProblem {
  const what = received === undefined ? "no Content-Type" : `Content-Type '${received}'`;
  return new ApiProblem(415, ERROR_CODES.unsupportedMediaType, `${what}; expected application/json`);
}

/** 503 when a registry's server (`--serve-registry`) could not start: the registry was not created. */
export function registryServerFailed(name: string, err: unknown): ApiProblem {
  const why = err instanceof Error ? err.message : String(err);
  return new ApiProblem(503, ERROR_CODES.internal, `the registry server for '${name}' did not start: ${why}`);
}

/** 500 for an unexpected exception; the cause is logged, never sent. */
export function internalError(): ApiProblem {
  return new ApiProblem(500, ERROR_CODES.internal, "internal emulator error");
}
