/**
 * Small loopback servers for transport tests: one that records every request it gets (and answers with a
 * handler of the test's choosing), over HTTP or over HTTPS with a self-signed certificate made at test time
 * with `openssl`.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

/** A certificate and key in PEM, and the certificate's file (for NODE_EXTRA_CA_CERTS). */
export interface SelfSigned {
  cert: string;
  key: string;
  certFile: string;
}

/**
 * A fresh self-signed certificate for `subjectAltName` (e.g. `IP:127.0.0.1`), or undefined when `openssl` is
 * not available.
 */
export function selfSignedCert(subjectAltName: string): SelfSigned | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tls-"));
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  try {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=ionos-registry-token test"],
        ...["-addext", `subjectAltName=${subjectAltName}`],
      ],
      { stdio: "ignore" },
    );
  } catch {
    return undefined;
  }
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile };
}

/** What a recording server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  /** Whether an Authorization header came along. */
  authorized: boolean;
}

/** A running recording server. */
export interface RecordingServer {
  /** `http(s)://HOST:PORT`. */
  origin: string;
  /** Every request that reached the HTTP layer. */
  requests: SeenRequest[];
  /** TLS handshakes the client broke off (HTTPS only). */
  tlsErrors: string[];
  close(): Promise<void>;
}

/** Starts a server on `host` (a loopback address) that records each request, then lets `handler` answer. */
export async function startRecordingServer(
  host: string,
  handler: http.RequestListener,
  tls?: SelfSigned,
): Promise<RecordingServer> {
  const requests: SeenRequest[] = [];
  const tlsErrors: string[] = [];
  const listener: http.RequestListener = (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorized: !!req.headers.authorization });
    handler(req, res);
  };
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, listener)
    : http.createServer(listener);
  server.on("tlsClientError", (error: Error) => tlsErrors.push(error.message));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls ? "https" : "http"}://${host}:${port}`,
    requests,
    tlsErrors,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A handler that forwards every request to `target` (an emulator's origin) and relays the answer. */
export function forwardTo(target: string): http.RequestListener {
  const url = new URL(target);
  return (req, res) => {
    const upstream = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
}
