/**
 * A loopback HTTP server for the files of one folder, as a release's download site: each answer carries its
 * `Content-Length` (the engine's plugin download failed from a server that answered chunked). It records the
 * paths asked for, so a test can tell that the engine downloaded a plugin, and which.
 */
import { existsSync, readFileSync, statSync } from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";

/** A running file server. */
export interface FileServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The paths asked for (GET and HEAD), oldest first, with the status answered, e.g. `GET /a.tgz 200`. */
  requests(): string[];
  close(): Promise<void>;
}

/** Serves `dir()` (read per request, so the folder may be filled after the server starts). */
export async function startFileServer(dir: () => string): Promise<FileServer> {
  const log: string[] = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
    const file = path.join(dir(), name);
    const ok =
      (req.method === "GET" || req.method === "HEAD") &&
      name !== "" &&
      !name.includes("/") &&
      existsSync(file) &&
      statSync(file).isFile();
    log.push(`${req.method} /${name} ${ok ? 200 : 404}`);
    if (!ok) {
      res.writeHead(404, { "Content-Length": "0" }).end();
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(body.length) });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => [...log],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
