import { expect } from "chai";
import fc from "fast-check";
import * as net from "net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { basicAuth } from "../support/emulatorClient";
import { stateOf, TestClock } from "../support/emulatorFixture";

/** Sends raw bytes on a fresh connection; resolves with the status of the answer (0 when none came). */
function rawRequest(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    const done = () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0));
    socket.setTimeout(3000, () => socket.destroy());
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("close", done);
    socket.on("error", () => undefined);
    socket.end(bytes);
  });
}

/**
 * Complements `property.test.ts` (which sends well-formed requests with a fixed set of methods): here any method
 * token, any extra headers (odd names, unicode and very long values, repeated or conflicting framing headers)
 * go over a raw socket, so nothing on the client side cleans them up first.
 */
describe("emulator: property — random methods and headers over a raw socket", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  const internalErrors: unknown[] = [];
  let paths: string[] = [];

  before(async () => {
    emu = await startEmulator({
      clock: new TestClock().fn,
      registries: [{ name: "raw-one" }],
      onError: (err) => internalErrors.push(err),
    });
    const registryId = emu.registries[0].id;
    paths = [
      "/containerregistries/registries",
      `/containerregistries/registries/${registryId}/tokens`,
      `/containerregistries/registries/${registryId}/tokens/00000000-0000-0000-0000-000000000000`,
      "/containerregistries/locations",
      "/_emulator/faults",
      "/nowhere",
    ];
  });
  after(async () => emu?.close());

  const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
  const method = fc.oneof(
    fc.constantFrom(
      "GET",
      "POST",
      "PUT",
      "PATCH",
      "DELETE",
      "HEAD",
      "OPTIONS",
      "TRACE",
      "CONNECT",
      "PROPFIND",
    ),
    fc.constantFrom("get", "Post", "BREW", "G E T", ""),
    token,
  );
  const headerValue = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "grapheme", maxLength: 10 }),
    fc.constantFrom(
      "",
      " ",
      "chunked",
      "gzip",
      "-1",
      "99999999999",
      "application/json",
      "Bearer",
      "Basic !!",
    ),
    fc.integer({ min: 1000, max: 20_000 }).map((n) => "v".repeat(n)),
  );
  const headerName = fc.oneof(
    token,
    fc.constantFrom("Content-Length", "Transfer-Encoding", "Content-Type", "Authorization", "Host", "Expect"),
  );
  const request = fc.record({
    method,
    path: fc.oneof(
      fc.integer({ min: 0, max: 5 }).map((i) => paths[i] ?? "/"),
      fc.webPath(),
      fc.string({ maxLength: 20 }),
    ),
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
    auth: fc.boolean(),
    body: fc.oneof(fc.constant(""), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 40 })),
  });

  it("answers every raw request below 500 (or refuses it at the HTTP layer), never errs inside, changes nothing when it refuses", async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = stateOf(emu);
        const lines = [`${r.method} ${r.path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close"];
        if (r.auth) lines.push(`Authorization: ${basicAuth("raw@example.com", "secret")}`);
        for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
        if (!r.headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) {
          lines.push(`Content-Length: ${Buffer.byteLength(r.body)}`);
        }
        const status = await rawRequest(emu.port, Buffer.from(`${lines.join("\r\n")}\r\n\r\n${r.body}`));
        expect(status, `${r.method} ${r.path}`).to.be.below(500);
        if (status > 0) answered++;
        if (status < 200 || status >= 300)
          expect(stateOf(emu), `${r.method} ${r.path} → ${status}`).to.deep.equal(before);
      }),
      { seed: 20313, numRuns: 250, endOnFailure: true },
    );
    expect(internalErrors).to.deep.equal([]);
    expect(answered).to.be.greaterThan(200);
    const res = await fetch(`${emu.url}/registries`, { headers: { Authorization: basicAuth("a@b.c", "d") } });
    expect(res.status).to.equal(200);
  });
});
