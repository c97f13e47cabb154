import { ionosApiError } from "./errors";
import type { ApiCall, ApiResult, HttpClient } from "./http";
import type { WireToken, WireTokenPage, WireTokenPatch, WireTokenWrite } from "./models";

/** Page size used when listing; the API's documented default. */
const PAGE_SIZE = 100;
/** Upper bound on pages followed, so a misbehaving server cannot keep a list call going forever. */
const MAX_PAGES = 1000;

/**
 * One method per Tokens API operation. Paths carry the ids (URL-encoded); bodies use the API's shapes:
 * POST and PUT wrap the properties as `{ properties }`, PATCH does not.
 */
export class TokensApi {
  private readonly http: HttpClient;

  constructor(http: HttpClient) {
    this.http = http;
  }

  /** `GET /registries/{registryId}/tokens`, following pagination to the end. */
  async list(registryId: string): Promise<WireToken[]> {
    const tokens: WireToken[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const { body } = await this.http.send<WireTokenPage>({
        operation: "registriesTokensGet",
        method: "GET",
        path: tokensPath(registryId),
        query: { offset: String(offset), limit: String(PAGE_SIZE) },
      });
      const items = body?.items ?? [];
      tokens.push(...items);
      offset += items.length;
      if (items.length === 0 || offset >= (body?.total ?? 0)) break;
    }
    return tokens;
  }

  /** Finds a token by its (per-registry unique) name, or undefined. */
  async findByName(registryId: string, name: string): Promise<WireToken | undefined> {
    // Names are unique per registry regardless of case, so a token differing only in case is the one in the way.
    const wanted = name.toLowerCase();
    const tokens = await this.list(registryId);
    return (
      tokens.find((t) => t.properties?.name === name) ??
      tokens.find((t) => t.properties?.name?.toLowerCase() === wanted)
    );
  }

  /** `GET /registries/{registryId}/tokens/{tokenId}`. The password in the answer is always `""`. */
  async get(registryId: string, tokenId: string): Promise<WireToken> {
    return this.token({
      operation: "registriesTokensFindById",
      method: "GET",
      path: tokenPath(registryId, tokenId),
    });
  }

  /** `POST /registries/{registryId}/tokens`: creates a token; the answer carries its one-time password. */
  async create(registryId: string, properties: WireTokenWrite): Promise<WireToken> {
    return this.token({
      operation: "registriesTokensPost",
      method: "POST",
      path: tokensPath(registryId),
      body: { properties },
    });
  }

  /**
   * `PUT …/tokens/{tokenId}`: creates the token at that id (with a password) or replaces its properties. With
   * `mayCreate`, it is retried only when the server certainly did not act, as a POST is: a retry after a lost
   * answer would find the created token and replace it, and its password would be lost.
   */
  async put(
    registryId: string,
    tokenId: string,
    properties: WireTokenWrite,
    options: { mayCreate?: boolean } = {},
  ): Promise<WireToken> {
    return this.token({
      operation: "registriesTokensPut",
      method: "PUT",
      path: tokenPath(registryId, tokenId),
      body: { properties },
      idempotent: !options.mayCreate,
    });
  }

  /** `PATCH …/tokens/{tokenId}` with an unwrapped body: only the fields present change. */
  async patch(registryId: string, tokenId: string, patch: WireTokenPatch): Promise<WireToken> {
    return this.token({
      operation: "registriesTokensPatch",
      method: "PATCH",
      path: tokenPath(registryId, tokenId),
      body: patch,
    });
  }

  /** Releases the client's keep-alive sockets. */
  close(): void {
    this.http.close();
  }

  /** Sends a call whose answer must carry a token. */
  private async token(call: ApiCall): Promise<WireToken> {
    return bodyOf(await this.http.send<WireToken>(call), call);
  }

  /** `DELETE …/tokens/{tokenId}`. */
  async delete(registryId: string, tokenId: string): Promise<void> {
    await this.http.send<void>({
      operation: "registriesTokensDelete",
      method: "DELETE",
      path: tokenPath(registryId, tokenId),
    });
  }
}

function tokensPath(registryId: string): string {
  return `/registries/${encodeURIComponent(registryId)}/tokens`;
}

function tokenPath(registryId: string, tokenId: string): string {
  return `${tokensPath(registryId)}/${encodeURIComponent(tokenId)}`;
}

/**
 * The token in a 2xx answer. An answer without one says nothing about what happened, so for a write it is an
 * ambiguous failure (the caller must find out), like a lost answer.
 */
function bodyOf(
  result: ApiResult<WireToken>,
  call: { operation: string; method: string; path: string },
): WireToken {
  const token = result.body;
  if (!token || typeof token !== "object" || !token.properties || typeof token.id !== "string") {
    throw ionosApiError({
      operation: call.operation,
      method: call.method,
      route: call.path,
      status: result.status,
      messages: [],
      retryable: false,
      attempts: 1,
      ambiguous: call.method !== "GET",
      cause: "an answer without a token",
    });
  }
  return token;
}
