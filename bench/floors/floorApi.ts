/**
 * The least a provider can do against the Tokens API: one HTTP request per operation over a keep-alive agent,
 * the answer's JSON parsed and nothing checked. Both floors (the minimal dynamic provider and the minimal gRPC
 * plugin) use it, so what separates them from `RegistryToken` is the provider's own work, not the transport.
 */
import * as http from "http";

/** A token as the floors keep it: the API's id and the password the create answered. */
export interface FloorToken {
  tokenId: string;
  password: string;
}

/** The four requests of a token's lifecycle. */
export interface FloorApi {
  /** `POST /registries/{registryId}/tokens`. */
  create(registryId: string, name: string, scopes: unknown): Promise<FloorToken>;
  /** `GET …/tokens/{tokenId}`. */
  read(registryId: string, tokenId: string): Promise<void>;
  /** `PATCH …/tokens/{tokenId}` with `{ status }`. */
  setStatus(registryId: string, tokenId: string, status: string): Promise<void>;
  /** `DELETE …/tokens/{tokenId}`. */
  remove(registryId: string, tokenId: string): Promise<void>;
}

/**
 * A client for `endpoint` with the API token `token`.
 * @param endpoint - the API's base URL (the emulator's `http://127.0.0.1:PORT`)
 */
export function floorApi(endpoint: string, token: string): FloorApi {
  const agent = new http.Agent({ keepAlive: true });
  const send = (method: string, route: string, body?: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = http.request(
        `${endpoint}${route}`,
        {
          method,
          agent,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: "application/json",
            ...(payload === undefined
              ? {}
              : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            if (status >= 300) reject(new Error(`${method} ${route}: ${status} ${text}`));
            else resolve(text === "" ? undefined : JSON.parse(text));
          });
        },
      );
      request.on("error", reject);
      request.end(payload);
    });
  const tokenRoute = (registryId: string, tokenId: string) => `/registries/${registryId}/tokens/${tokenId}`;
  return {
    async create(registryId, name, scopes) {
      const answer = (await send("POST", `/registries/${registryId}/tokens`, {
        properties: { name, scopes },
      })) as { id: string; properties: { credentials: { password: string } } };
      return { tokenId: answer.id, password: answer.properties.credentials.password };
    },
    async read(registryId, tokenId) {
      await send("GET", tokenRoute(registryId, tokenId));
    },
    async setStatus(registryId, tokenId, status) {
      await send("PATCH", tokenRoute(registryId, tokenId), { status });
    },
    async remove(registryId, tokenId) {
      await send("DELETE", tokenRoute(registryId, tokenId));
    },
  };
}
