import { expect } from "chai";
import fc from "fast-check";
import type * as http from "http";
import * as net from "net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resolveSettings } from "../../provider/lifecycle/settings";
import { serializedProvider } from "../support/hostSession";
import {
  forwardTo,
  selfSignedCert,
  startRecordingServer,
  type RecordingServer,
  type SelfSigned,
} from "../support/loopbackServers";
import { startProviderHost } from "../support/providerHost";

const API_TOKEN = "transport-api-token-0123456789";
const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const FAST = { "ionos-registry-token:requestTimeoutMs": "250", "ionos-registry-token:retryBudgetMs": "600" };

/** Runs check → create (→ delete on success) in a fresh host; returns the error, or undefined on success. */
async function createThrough(
  endpoint: string,
  registryId: string,
  env: Record<string, string> = {},
  config: Record<string, string> = FAST,
): Promise<Error | undefined> {
  const host = await startProviderHost({ env });
  try {
    await host.configure({ "ionoscloud:token": API_TOKEN, "ionoscloud:endpoint": endpoint, ...config });
    const news = { registryId, name: "transport", __provider: await serializedProvider() };
    const { inputs } = await host.check({}, news);
    const created = await host.create(inputs).catch((e: Error) => e);
    if (created instanceof Error) return created;
    await host.delete(created.id, created.properties);
    return undefined;
  } finally {
    await host.close();
  }
}

describe("transport: TLS verification, plain http, redirects and timeouts", function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let registryId: string;
  const servers: RecordingServer[] = [];
  const serve = async (host: string, handler: http.RequestListener, tls?: SelfSigned) => {
    const server = await startRecordingServer(host, handler, tls);
    servers.push(server);
    return server;
  };

  before(async () => {
    emulator = await startEmulator({
      credentials: { token: API_TOKEN },
      registries: [{ name: "transport" }],
    });
    registryId = emulator.registries[0].id;
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await emulator?.close();
  });
  beforeEach(() => emulator.clearRequests());

  describe("TLS certificate verification cannot be switched off", function () {
    let good: SelfSigned | undefined;
    let wrongName: SelfSigned | undefined;
    const INSECURE = { NODE_TLS_REJECT_UNAUTHORIZED: "0" };

    before(function () {
      good = selfSignedCert("IP:127.0.0.1");
      wrongName = selfSignedCert("DNS:not-this-host.example");
      if (!good || !wrongName) {
        console.warn(
          "    !!! openssl is not available: the TLS tests cannot make a certificate and are skipped",
        );
        this.skip();
      }
    });

    it("refuses a self-signed certificate even with NODE_TLS_REJECT_UNAUTHORIZED=0, before sending anything", async () => {
      const server = await serve("127.0.0.1", forwardTo(new URL(emulator.url).origin), good);
      const error = await createThrough(`${server.origin}/containerregistries`, registryId, INSECURE);
      expect(error?.message).to.match(/self[- ]signed|SELF_SIGNED/i);
      // Nothing was sent, so the create is not ambiguous: one attempt, no recovery lookup, no "may have been".
      expect(error?.message).to.match(/TLS certificate rejected/);
      expect(error?.message).to.not.match(/may have been created|attempts/);
      expect(server.requests, "requests that got past the TLS handshake").to.deep.equal([]);
      expect(server.tlsErrors.length).to.be.greaterThan(0);
      expect(emulator.requests()).to.deep.equal([]);
    });

    it("works through that same server once its certificate is trusted (the control)", async () => {
      const server = await serve("127.0.0.1", forwardTo(new URL(emulator.url).origin), good);
      const error = await createThrough(`${server.origin}/containerregistries`, registryId, {
        ...INSECURE,
        NODE_EXTRA_CA_CERTS: good!.certFile,
      });
      expect(error).to.equal(undefined);
      expect(server.requests.map((r) => r.method)).to.include.members(["POST", "DELETE"]);
      expect(server.requests.every((r) => r.authorized)).to.equal(true);
    });

    it("refuses a trusted certificate issued for another host name", async () => {
      const server = await serve("127.0.0.1", forwardTo(new URL(emulator.url).origin), wrongName);
      const error = await createThrough(`${server.origin}/containerregistries`, registryId, {
        ...INSECURE,
        NODE_EXTRA_CA_CERTS: wrongName!.certFile,
      });
      expect(error?.message).to.match(/ALTNAME|does not match|not in the cert/i);
      expect(server.requests).to.deep.equal([]);
    });
  });

  describe("credentials never travel over plain http to a non-loopback host", () => {
    it("refuses addresses that reach this machine but are not loopback by the rule, sending nothing", async () => {
      const server = await serve("127.0.0.1", (_req, res) => res.writeHead(500).end());
      const port = new URL(server.origin).port;
      for (const host of ["[::ffff:127.0.0.1]", "0.0.0.0"]) {
        const error = await createThrough(`http://${host}:${port}`, registryId);
        expect(error?.message, host).to.match(/Refusing to send IONOS credentials over plain http:\/\//);
      }
      expect(server.requests).to.deep.equal([]);
    });

    it("accepts https anywhere and http only to loopback, for any host (settings, no network)", () => {
      const resolve = (endpoint: string) => () =>
        resolveSettings(() => undefined, { IONOS_TOKEN: API_TOKEN, IONOS_API_URL: endpoint });
      const remote = fc.oneof(
        fc.domain(),
        fc.ipV4().filter((ip) => !ip.startsWith("127.")),
        fc.ipV6().filter((ip) => ip !== "::1" && !/^(0+:){7}0*1$/.test(ip) && !/^::(0+:)*0*1$/.test(ip)),
      );
      const bracket = (host: string) => (host.includes(":") ? `[${host}]` : host);
      fc.assert(
        fc.property(remote, fc.option(fc.integer({ min: 1, max: 65535 })), (host, port) => {
          const where = `${bracket(host)}${port ? `:${port}` : ""}`;
          expect(resolve(`http://${where}`)).to.throw(/plain http/);
          expect(resolve(`HTTP://${where}/containerregistries`)).to.throw(/plain http/);
          expect(resolve(`https://${where}`)).to.not.throw();
        }),
        { seed: 20311, numRuns: 300 },
      );
      for (const loopback of ["127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "[::1]"]) {
        expect(resolve(`http://${loopback}:8080`), loopback).to.not.throw();
      }
    });

    it("never follows a redirect, so credentials cannot be forwarded to another host", async () => {
      const elsewhere = await serve("127.0.0.2", (_req, res) => res.writeHead(200).end("{}"));
      const redirector = await serve("127.0.0.1", (req, res) =>
        res.writeHead(307, { Location: `${elsewhere.origin}${req.url}` }).end(),
      );
      const error = await createThrough(`${redirector.origin}/containerregistries`, registryId);
      expect(error).to.be.instanceOf(Error);
      // One answer, reported once with its status and Location: not retried, not a possible create.
      expect(error?.message).to.include(
        `failed with HTTP 307 (a redirect to ${elsewhere.origin}/containerregistries/registries/${registryId}/tokens, not followed`,
      );
      expect(error?.message).to.not.match(/no response|may have been created|attempts/);
      expect(redirector.requests.length).to.equal(1);
      expect(elsewhere.requests, "requests that followed the redirect").to.deep.equal([]);
    });
  });

  describe("a TLS handshake that never completes sent nothing, on every Node.js line", () => {
    it("an https:// endpoint on a plain-HTTP port fails at once, naming the handshake, never 'may have been created'", async () => {
      // Node 22 reports this as ERR_SSL_WRONG_VERSION_NUMBER, Node 24 as a bare EPROTO: the classification must
      // not depend on which.
      const plain = await serve("127.0.0.1", (_req, res) => res.end("{}"));
      const started = Date.now();
      const error = await createThrough(
        `${plain.origin.replace("http:", "https:")}/containerregistries`,
        REGISTRY,
        {},
        {
          "ionos-registry-token:requestTimeoutMs": "2000",
          "ionos-registry-token:retryBudgetMs": "20000",
        },
      );
      expect(error?.message).to.match(/TLS handshake failed: (EPROTO|ERR_SSL_\w+)/);
      expect(error?.message).to.not.match(/may have been created|attempts/);
      // One attempt, not a retry budget's worth: the same port answers the same way every time.
      expect(Date.now() - started).to.be.below(5_000);
      expect(plain.requests, "HTTP requests the server understood").to.deep.equal([]);
    });

    it("a server that accepts the connection and never speaks TLS: the timeout says nothing was sent", async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = silent.address() as net.AddressInfo;
        const error = await createThrough(`https://127.0.0.1:${port}/containerregistries`, REGISTRY);
        expect(error?.message).to.match(/timeout before the TLS handshake completed/);
        expect(error?.message).to.not.match(/may have been created/);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });

  describe("every request has a timeout", () => {
    it("gives up on a server that never answers", async () => {
      const silent = await serve("127.0.0.1", () => undefined);
      const started = Date.now();
      const error = await createThrough(`${silent.origin}/containerregistries`, REGISTRY);
      expect(error?.message).to.match(
        /no response from http:\/\/127\.0\.0\.1:\d+\/containerregistries \(timeout\)/,
      );
      expect(Date.now() - started).to.be.below(10_000);
      expect(silent.requests.length).to.be.greaterThan(0);
    });

    it("gives up on a server that sends headers and then stalls the body", async () => {
      const stalling = await serve("127.0.0.1", (_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" });
        res.write('{"id":"');
      });
      const error = await createThrough(`${stalling.origin}/containerregistries`, REGISTRY);
      expect(error?.message).to.match(
        /no response from http:\/\/127\.0\.0\.1:\d+\/containerregistries \(timeout\)/,
      );
    });
  });
});
