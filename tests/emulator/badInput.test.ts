import { expect } from "chai";
import * as http from "node:http";
import * as net from "node:net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { DEFAULT_AUTH, EmulatorApi, tokensPath, type ApiResponse } from "../support/emulatorClient";
import { stateOf, useEmulator } from "../support/emulatorFixture";

function expectProblem(res: ApiResponse, status: number, text?: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(res.headers.get("content-type")).to.equal("application/json");
  expect(res.json.httpStatus).to.equal(status);
  expect(res.json.messages[0].errorCode).to.be.a("string");
  if (text !== undefined) expect(res.json.messages[0].message).to.include(text);
}

/** Sends raw bytes on a fresh socket and returns what the server answered. */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(payload));
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("emulator: bad input gets a clean 4xx and changes nothing", () => {
  const f = useEmulator();
  let before: unknown;
  beforeEach(() => {
    before = stateOf(f.emu);
  });
  afterEach(function () {
    if (this.currentTest?.state === "passed") expect(stateOf(f.emu)).to.deep.equal(before);
  });

  const postRaw = (raw: string | Uint8Array, contentType: string | null = "application/json") =>
    f.api.request("POST", tokensPath(f.registryId), { raw, contentType });

  for (const raw of ['{"properties": {"name": "x1"}', "{'properties': {}}", "nul", "{} {}", '{"a":1,}']) {
    it(`answers 400 for malformed JSON ${JSON.stringify(raw)}`, async () => {
      expectProblem(await postRaw(raw), 400, "not valid");
    });
  }

  it("answers 400 for invalid UTF-8", async () => {
    expectProblem(await postRaw(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])), 400, "UTF-8");
  });

  it("answers 400 for an empty body where one is required", async () => {
    expectProblem(await postRaw(""), 400, "required");
    expectProblem(
      await f.api.request("PATCH", tokensPath(f.registryId, "11111111-2222-4333-8444-555555555555")),
      400,
    );
  });

  for (const contentType of [
    null,
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/json; charset=latin1",
    "application/merge-patch+json",
  ]) {
    it(`answers 415 for Content-Type ${String(contentType)}`, async () => {
      expectProblem(await postRaw('{"properties":{"name":"ok1"}}', contentType), 415, "application/json");
    });
  }

  it("accepts application/json with charset=utf-8 and odd casing", async () => {
    const res = await postRaw('{"properties":{"name":"ok1"}}', "Application/JSON; Charset=UTF-8");
    expect(res.status).to.equal(201);
    before = stateOf(f.emu); // this one was meant to change the state
  });

  it("answers 413 for a body over 1 MiB, with or without Content-Length", async () => {
    const huge = JSON.stringify({
      properties: {
        name: "big",
        scopes: [{ name: "x".repeat(1024 * 1024), type: "repository", actions: ["pull"] }],
      },
    });
    expectProblem(await postRaw(huge), 413, "1048576");
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${f.emu.url}${tokensPath(f.registryId)}`,
        { method: "POST", headers: { Authorization: DEFAULT_AUTH, "Content-Type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 20; i++) req.write("x".repeat(64 * 1024)); // chunked, no Content-Length
      req.end();
    });
    expect(status).to.equal(413);
    expect((await f.api.get("/registries")).status).to.equal(200);
  });

  it("honours a smaller maxBodyBytes", async () => {
    const small: RunningEmulator = await startEmulator({ maxBodyBytes: 64, registries: [{ name: "tiny" }] });
    try {
      const api = new EmulatorApi(small.url);
      const path = tokensPath(small.registries[0]?.id ?? "");
      expect((await api.post(path, { properties: { name: "ok1" } })).status).to.equal(201);
      expectProblem(
        await api.post(path, {
          properties: {
            name: "ok2",
            scopes: [{ name: "a".repeat(40), type: "registry", actions: ["pull"] }],
          },
        }),
        413,
      );
    } finally {
      await small.close();
    }
  });

  for (const path of [
    "/",
    "/registries/",
    "/registries/x/y/z/w",
    "/tokens",
    "/containerregistries",
    "/REGISTRIES",
  ]) {
    it(`answers 404 for the unknown route ${path}`, async () => {
      expectProblem(await f.api.get(path), 404, "not found");
    });
  }

  it("answers 404 outside the API prefix, even without credentials", async () => {
    const res = await fetch(f.emu.url.replace("/containerregistries", "/v1/registries"));
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { httpStatus: number }).httpStatus).to.equal(404);
  });

  const wrongMethods: Array<[string, string, string]> = [
    ["DELETE", "/registries", "GET, POST"],
    ["PATCH", "/registries/{r}/tokens", "GET, POST"],
    ["POST", "/registries/{r}/tokens/{t}", "GET, PATCH, PUT, DELETE"],
    ["OPTIONS", "/registries/{r}", "GET, DELETE"],
    ["GET", "/names/abc", "HEAD"],
  ];
  for (const [method, template, allow] of wrongMethods) {
    it(`answers 405 with Allow for ${method} ${template}`, async () => {
      const path = template
        .replace("{r}", f.registryId)
        .replace("{t}", "11111111-2222-4333-8444-555555555555");
      const res = await f.api.request(method, path);
      expectProblem(res, 405, method);
      expect(res.headers.get("allow")).to.equal(allow);
    });
  }

  it("answers 400 for wrong JSON types in every position", async () => {
    for (const properties of [
      { name: ["x"] },
      { name: "ok1", status: 1 },
      { name: "ok1", expiryDate: true },
      { name: "ok1", scopes: "all" },
    ]) {
      expectProblem(await f.api.post(tokensPath(f.registryId), { properties }), 400, "must be");
    }
  });

  it("ignores a body on GET (as HTTP allows) without crashing", async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${f.emu.url}/registries`,
        {
          method: "GET",
          headers: {
            Authorization: DEFAULT_AUTH,
            "Content-Type": "application/json",
            "Content-Length": "17",
          },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end('{"ignored": true}');
    });
    expect(res).to.equal(200);
  });

  it("survives malformed HTTP on the wire", async () => {
    const answer = await rawExchange(f.emu.port, "GARBAGE\r\n\r\n");
    expect(answer).to.match(/^HTTP\/1\.1 400/);
    expect((await f.api.get("/registries")).status).to.equal(200);
  });

  it("survives a client that hangs up mid-body", async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(f.emu.port, "127.0.0.1", () => {
        socket.write(
          `POST /containerregistries${tokensPath(f.registryId)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEFAULT_AUTH}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"properties":',
        );
        setTimeout(() => socket.destroy(), 20);
      });
      socket.on("close", () => resolve());
    });
    expect((await f.api.get(tokensPath(f.registryId))).status).to.equal(200);
  });
});
