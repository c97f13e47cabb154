/**
 * Writing responses. Every body is JSON with an exact `Content-Length`; `Cache-Control: no-store` keeps
 * one-time passwords out of caches. Helpers ignore a response that was already sent or whose socket is
 * gone, so a client that hung up can never crash the server.
 */
import type { ServerResponse } from "node:http";
import type { ApiProblem } from "../errors";

/** Sends `status` with `body` as JSON (or no body when `body` is undefined, e.g. 204). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("Cache-Control", "no-store");
  if (body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** Sends an {@link ApiProblem} as an `ApiErrorResponse` with its headers. */
export function sendProblem(res: ServerResponse, problem: ApiProblem): void {
  sendJson(res, problem.status, problem.toBody(), problem.headers);
}

/**
 * Drops the connection without an answer: a TCP reset where Node supports it (the client sees
 * ECONNRESET), a plain close otherwise.
 */
export function resetConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (socket === null || socket.destroyed) return;
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}
