/**
 * Whether a request's TLS session was ever established, told by what happened on its socket rather than by an
 * error code (OpenSSL's codes differ between Node.js lines: a plain-HTTP port answers `ERR_SSL_WRONG_VERSION_NUMBER`
 * on one and a bare `EPROTO` on another). No request byte travels before the handshake completes, so a request
 * whose new connection never finished its handshake was not sent: not even a POST can have created anything.
 */
import { AsyncLocalStorage } from "async_hooks";
import type { Agent } from "http";
import type { Socket } from "net";

/** What one attempt's connection did. */
export interface AttemptConnection {
  /** The agent opened a new connection for it (a reused keep-alive socket had finished its handshake before). */
  opened: boolean;
  /** That connection finished its TLS handshake. */
  secured: boolean;
}

/** Tracks, per attempt, the connection an HTTPS agent opens for it. */
export class TlsSessionTracker {
  private readonly attempts = new AsyncLocalStorage<AttemptConnection>();

  /** Runs `send` as one attempt; `connection` says afterwards what its connection did. */
  track<T>(send: () => Promise<T>): { connection: AttemptConnection; result: Promise<T> } {
    const connection: AttemptConnection = { opened: false, secured: false };
    return { connection, result: this.attempts.run(connection, send) };
  }

  /**
   * Makes `agent` report its new connections to the attempt that caused them. `createConnection` is called
   * synchronously from the request that needs a socket, so the attempt's async context is current there.
   */
  instrument<A extends Agent>(agent: A): A {
    const withConnection = agent as unknown as {
      createConnection(options: unknown, callback?: unknown): Socket;
    };
    const create = withConnection.createConnection.bind(agent);
    withConnection.createConnection = (options, callback) => {
      const socket = create(options, callback);
      const attempt = this.attempts.getStore();
      if (attempt) {
        attempt.opened = true;
        socket.once("secureConnect", () => (attempt.secured = true));
      }
      return socket;
    };
    return agent;
  }
}

/** True when the attempt's request certainly never left: its new connection never finished a TLS handshake. */
export function neverSecured(connection: AttemptConnection | undefined): boolean {
  return connection !== undefined && connection.opened && !connection.secured;
}
