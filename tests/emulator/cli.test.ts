import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCli } from "../../emulator/cliArgs";
import { bearerAuth, EmulatorApi, tokensPath } from "../support/emulatorClient";
import { runCli, startCliPerTest } from "../support/emulatorCli";

describe("emulator: command line", function () {
  this.timeout(15_000);
  let dir: string;
  const start = startCliPerTest();
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-cli-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints one JSON line, serves authenticated requests, logs to stderr, stops on SIGTERM with 0", async () => {
    const cli = await start([
      "--port",
      "0",
      "--registry",
      "alpha-reg",
      "--registry",
      "beta-reg",
      "--token",
      "t0k",
    ]);
    expect(cli.ready.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/containerregistries$/);
    expect(cli.ready.registries.map((r) => r.name)).to.deep.equal(["alpha-reg", "beta-reg"]);
    const api = new EmulatorApi(cli.ready.url, bearerAuth("t0k"));
    const id = cli.ready.registries[0]?.id as string;
    expect((await api.createToken(id, { name: "from-cli" })).status).to.equal(201);
    expect((await api.get("/registries", { auth: bearerAuth("wrong") })).status).to.equal(401);
    cli.child.kill("SIGTERM");
    expect(await cli.exit).to.equal(0);
    expect(cli.stdout().trim().split("\n")).to.have.length(1);
    expect(cli.stderr()).to.match(
      /POST \/containerregistries\/registries\/\S+\/tokens 201 registriesTokensPost/,
    );
    expect(cli.stderr()).to.not.include("t0k");
  });

  it("keeps state with --data across restarts and stops on SIGINT", async () => {
    const data = path.join(dir, "state.json");
    const first = await start(["--data", data, "--registry", "kept-reg", "--quiet"]);
    const api = new EmulatorApi(first.ready.url);
    const registryId = first.ready.registries[0]?.id as string;
    const token = (await api.createToken(registryId, { name: "persisted" })).json;
    first.child.kill("SIGINT");
    expect(await first.exit).to.equal(0);
    expect(first.stderr()).to.equal("");

    const second = await start(["--data", data, "--registry", "kept-reg", "--quiet"]);
    expect(second.ready.registries).to.deep.equal(first.ready.registries);
    const again = await new EmulatorApi(second.ready.url).get(tokensPath(registryId, token.id));
    expect(again.json.properties.name).to.equal("persisted");
    second.child.kill("SIGTERM");
    expect(await second.exit).to.equal(0);
    expect(fs.readdirSync(dir)).to.deep.equal(["state.json"]);
  });

  it("seeds a registry named demo by default and applies fault flags", async () => {
    const cli = await start(["--rate-limit", "1", "--quiet"]);
    expect(cli.ready.registries.map((r) => r.name)).to.deep.equal(["demo"]);
    const api = new EmulatorApi(cli.ready.url);
    expect((await api.get("/registries")).status).to.equal(200);
    const limited = await api.get("/registries");
    expect(limited.status).to.equal(429);
    expect(limited.headers.get("retry-after")).to.match(/^\d+$/);
    cli.child.kill("SIGTERM");
    expect(await cli.exit).to.equal(0);
  });

  it("exits 2 with usage on bad flags, 0 with --help, 1 on a start failure", async () => {
    const bad = await runCli(["--port", "abc"]);
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.equal("");
    expect(bad.stderr).to.include("--port needs");
    expect(bad.stderr).to.include("usage:");
    expect((await runCli(["--bogus"])).code).to.equal(2);
    expect((await runCli(["--username", "u"])).code).to.equal(2);
    const help = await runCli(["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include("--registry");
    const corrupt = path.join(dir, "corrupt.json");
    fs.writeFileSync(corrupt, "{");
    const failed = await runCli(["--data", corrupt]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include("failed to start");
  });

  describe("flag parsing", () => {
    it("maps flags to options", () => {
      const { options } = parseCli([
        "--host",
        "0.0.0.0",
        "--port",
        "8080",
        "--registry",
        "r-one",
        "--location",
        "de/txl",
        "--username",
        "u",
        "--password",
        "p",
        "--latency-ms",
        "5",
        "--jitter-ms",
        "3",
        "--seed",
        "9",
        "--max-body-bytes",
        "2048",
        "--faults",
        '{"rules":[{"action":{"type":"reset"},"times":1}]}',
      ]);
      expect(options).to.deep.include({ host: "0.0.0.0", port: 8080, maxBodyBytes: 2048 });
      expect(options.registries).to.deep.equal([{ name: "r-one", location: "de/txl" }]);
      expect(options.credentials).to.deep.include({ username: "u", password: "p" });
      expect(options.faults).to.deep.equal({
        rules: [{ action: { type: "reset" }, times: 1 }],
        latency: { fixedMs: 5, jitterMs: 3 },
        seed: 9,
      });
    });

    it("reads --faults @file and rejects invalid plans", () => {
      const file = path.join(dir, "faults.json");
      fs.writeFileSync(file, '{"rateLimit":{"requestsPerSecond":2}}');
      expect(parseCli(["--faults", `@${file}`]).options.faults).to.deep.equal({
        rateLimit: { requestsPerSecond: 2 },
      });
      expect(() => parseCli(["--faults", '{"rules":[{"action":{"type":"boom"}}]}'])).to.throw(
        /invalid fault plan/,
      );
      expect(() => parseCli(["--faults", "{"])).to.throw(/--faults/);
      expect(() => parseCli(["--latency-ms", "-5"])).to.throw(/--latency-ms/);
    });
  });
});
