/**
 * A small HTTP client for the emulator tests: real requests over loopback with Node's global fetch,
 * Basic auth by default, and every response recorded for the conformance test.
 */
import { recordResponse } from "./emulatorRecorder";

/** Parsed JSON of a response; tests look into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A response as the tests see it. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Body text ("" for none). */
  text: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: Json;
}

/** Options of one request. */
export interface RequestOptions {
  /** A value sent as JSON (Content-Type application/json unless {@link RequestOptions.contentType} says otherwise). */
  body?: unknown;
  /** A raw body sent as is. */
  raw?: string | Uint8Array;
  /** Content-Type to send; null sends none. */
  contentType?: string | null;
  /** Authorization header; null sends none; undefined uses the client's default. */
  auth?: string | null;
}

/** `Basic base64(user:password)`. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** `Bearer token`. */
export function bearerAuth(token: string): string {
  return `Bearer ${token}`;
}

/** The default test caller. */
export const DEFAULT_AUTH = basicAuth("tester@example.com", "secret");

/** Talks to one emulator base URL (`…/containerregistries`). */
export class EmulatorApi {
  /**
   * @param baseUrl - the emulator's `url`
   * @param auth - default Authorization header
   */
  constructor(
    readonly baseUrl: string,
    readonly auth: string | null = DEFAULT_AUTH,
  ) {}

  /** Sends one request to `baseUrl + path` and records the response. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const auth = options.auth === undefined ? this.auth : options.auth;
    if (auth !== null) headers.Authorization = auth;
    let body: string | Uint8Array | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    const contentType =
      options.contentType === undefined && body !== undefined ? "application/json" : options.contentType;
    if (contentType !== undefined && contentType !== null) headers["Content-Type"] = contentType;
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    recordResponse({
      method,
      path: new URL(response.url).pathname,
      status: response.status,
      headers: {
        ...(response.headers.has("location") ? { location: response.headers.get("location") as string } : {}),
        ...(response.headers.has("content-type")
          ? { contentType: response.headers.get("content-type") as string }
          : {}),
      },
      text,
    });
    return { status: response.status, headers: response.headers, text, json: parse(text) };
  }

  /** GET. */
  get(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request("GET", path, options);
  }

  /** POST with a JSON body. */
  post(path: string, body: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request("POST", path, { ...options, body });
  }

  /** PUT with a JSON body. */
  put(path: string, body: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request("PUT", path, { ...options, body });
  }

  /** PATCH with a JSON body. */
  patch(path: string, body: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request("PATCH", path, { ...options, body });
  }

  /** DELETE. */
  delete(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request("DELETE", path, options);
  }

  /** Creates a token through the API and returns the 201 response (asserting nothing). */
  createToken(registryId: string, properties: Record<string, unknown>): Promise<ApiResponse> {
    return this.post(tokensPath(registryId), { properties });
  }
}

/** `/registries/{registryId}/tokens[/{tokenId}]`. */
export function tokensPath(registryId: string, tokenId?: string): string {
  return `/registries/${registryId}/tokens${tokenId === undefined ? "" : `/${tokenId}`}`;
}

function parse(text: string): Json {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}
