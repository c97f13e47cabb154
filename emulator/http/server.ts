/**
 * The HTTP server's lifecycle: listen on host:port (reporting the port actually bound), and close by
 * refusing new connections and dropping the open ones, so `close()` never waits for idle keep-alive
 * sockets.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A listening server and how to stop it. */
export interface ListeningServer {
  /** The bound port (useful when 0 was asked for). */
  port: number;
  /** Stops the server; resolves once it is closed. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts `listener` on `host:port`.
 * @throws the listen error (e.g. EADDRINUSE) as a rejected promise
 */
export function listen(listener: http.RequestListener, host: string, port: number): Promise<ListeningServer> {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, listener);
  // A client that sends garbage gets a 400 from Node itself and its socket closed, never a crash.
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      let closing: Promise<void> | undefined;
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

/** The URL host part for `host`: wildcard binds become loopback, IPv6 literals get brackets. */
export function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
