/**
 * Preloaded (`node --require …/httpRequestFetch.js`) by `npm run bench -- --what-if-http-request` into the
 * processes that serve the provider: every `require("node-fetch")` then gets {@link httpRequestFetch}, a fetch
 * that calls Node's `http.request` directly — the floors' transport — so that the rounds against the floor show
 * what node-fetch costs of ours. A measurement aid only: the provider ships with node-fetch.
 */
import * as http from "http";
import Module from "module";
import type { FetchInit, FetchResponse } from "../../provider/client/http";

/** The part of `fetch` the provider's client uses, over `http.request` (plain http: the emulator). */
export function httpRequestFetch(url: string, init: FetchInit): Promise<FetchResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: init.method, headers: init.headers, agent: init.agent },
      (res) => {
        const chunks: Buffer[] = [];
        const body = new Promise<string>((done, fail) => {
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
          res.on("error", fail);
        });
        const status = res.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          headers: {
            get: (name: string) => {
              const value = res.headers[name.toLowerCase()];
              return value === undefined ? null : String(value);
            },
          },
          text: () => body,
        });
      },
    );
    request.on("error", reject);
    init.signal.addEventListener("abort", () => request.destroy(new Error("aborted")), { once: true });
    request.end(init.body);
  });
}

type Load = (request: string, ...rest: unknown[]) => unknown;
const modules = Module as unknown as { _load: Load };
const load = modules._load;
modules._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === "node-fetch" ? httpRequestFetch : load.call(this, request, ...rest);
};
