/**
 * A loopback HTTP proxy in front of the emulator that buffers each answer and hands it to a callback, which
 * decides when (or whether) to send it on. The test proxies (slow answers, the password witness) differ only in
 * that callback. A connection the emulator resets is reset towards the client too.
 */
import * as http from "http";
import type { AddressInfo } from "net";

/** One answer from the emulator, held by the proxy. */
export interface HeldAnswer {
  /** The request's method and path (with query). */
  method: string;
  url: string;
  status: number;
  body: Buffer;
  /** Sends the answer to the client (nothing when the client has gone). */
  send(): void;
}

/** A running proxy. */
export interface ForwardingProxy {
  /** The proxy's URL with the target's path, e.g. `http://127.0.0.1:PORT/containerregistries`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 forwarding to `targetUrl`; `onAnswer` must call `send` for the client to get it.
 * A request for which `forward` says false is never forwarded: it stays unanswered until the client gives up
 * or the proxy closes (a request that never reaches the API).
 */
export async function startForwardingProxy(
  targetUrl: string,
  onAnswer: (answer: HeldAnswer) => void,
  forward: (method: string, url: string) => boolean = () => true,
): Promise<ForwardingProxy> {
  const target = new URL(targetUrl);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    if (!forward(req.method ?? "", req.url ?? "")) {
      req.resume();
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          onAnswer({
            method: req.method ?? "",
            url: req.url ?? "",
            status: answer.statusCode ?? 502,
            body,
            send() {
              if (res.destroyed) return;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(body);
            },
          });
        });
        answer.on("error", () => res.socket?.destroy());
      },
    );
    // The emulator reset the connection (or could not be reached): the client sees a reset too.
    upstream.on("error", () => res.socket?.resetAndDestroy?.() ?? res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
