import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { EmulatorApi } from "../support/emulatorClient";
import { CLI, runCli, startCliPerTest } from "../support/emulatorCli";
import { registryServerProcesses, waitFor } from "../support/registryProcesses";
import {
  buildOciImage,
  pull,
  pulledManifestDigest,
  push,
  requireRegistryTools,
  writeAuthFile,
} from "../../scripts/registryClients";

/** The emulator's temporary folders now (one per running `--serve-registry` emulator). */
function leftovers(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("ionos-registry-emulator-"));
}

/** `ionos-registry-emulator --serve-registry` as a user starts it. */
describe("registry emulation: the emulator's command line", function () {
  this.timeout(60_000);
  let dir: string;
  const start = startCliPerTest();

  before(function () {
    this.timeout(600_000);
    requireRegistryTools();
  });
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-cli-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints each registry's address, logs logins on stderr, and keeps images and logins across a restart with --data", async () => {
    const data = path.join(dir, "state.json");
    const args = ["--serve-registry", "--data", data, "--registry", "kept-reg"];
    const first = await start(args);
    const [registry] = first.ready.registries;
    expect(registry?.hostname).to.match(/^127\.0\.0\.1:\d+$/);
    const created = await new EmulatorApi(first.ready.url).createToken(registry?.id as string, {
      name: "ci-push",
      scopes: [{ name: "*", type: "repository", actions: ["pull", "push"] }],
    });
    const password = created.json.properties.credentials.password as string;
    const image = buildOciImage(path.join(dir, "image"), "kept across restarts\n");
    const pushed = await push(
      image.layout,
      `${registry?.hostname}/app:1`,
      writeAuthFile(path.join(dir, "a.json"), registry?.hostname as string, "ci-push", password),
    );
    expect(pushed.code, pushed.stderr).to.equal(0);
    expect(first.stderr()).to.match(
      /registry-auth kept-reg user=ci-push asked=\[repository:app:pull,push\] granted=\[repository:app:pull,push\]/,
    );
    expect(first.stderr()).to.not.include(password);
    expect(fs.readdirSync(`${data}.registries`)).to.deep.equal([registry?.id]);
    // A client's scope cannot forge a log line.
    const forged = `${new URL(first.ready.url).origin}/registry-auth/token?service=${registry?.hostname}&scope=repository:app:pull%0Aforged-line`;
    expect(
      (
        await fetch(forged, {
          headers: { Authorization: `Basic ${Buffer.from(`ci-push:${password}`).toString("base64")}` },
        })
      ).status,
    ).to.equal(200);
    // A registry the API creates is kept in --data, and served again after the restart without being named.
    const extra = await new EmulatorApi(first.ready.url).post("/registries", {
      properties: { name: "made-later", location: "de/fra" },
    });
    expect(extra.status).to.equal(201);
    first.child.kill("SIGTERM");
    expect(await first.exit).to.equal(0);

    expect(first.stderr()).to.include('asked=["repository:app:pull\\nforged-line"]');
    expect(
      first
        .stderr()
        .split("\n")
        .some((line) => line.startsWith("forged-line")),
    ).to.equal(false);
    const second = await start(args);
    const again = second.ready.registries[0];
    const listed = (await (
      await fetch(`${new URL(second.ready.url).origin}/_emulator/registries`)
    ).json()) as {
      items: Array<{ id: string; properties: { hostname: string } }>;
    };
    const later = listed.items.find((r) => r.id === extra.json.id)?.properties.hostname as string;
    expect(later).to.match(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`http://${later}/v2/`)).status).to.equal(401);
    expect(again?.id).to.equal(registry?.id);
    const authFile = writeAuthFile(path.join(dir, "b.json"), again?.hostname as string, "ci-push", password);
    const pulled = await pull(`${again?.hostname}/app:1`, path.join(dir, "pulled"), authFile);
    expect(pulled.code, pulled.stderr).to.equal(0);
    expect(pulledManifestDigest(path.join(dir, "pulled"))).to.equal(image.manifestDigest);
  });

  it("fails to start, naming the install command, when the registry binary is missing", async () => {
    // A PATH with Node on it and nothing else.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const failed = await runCli(["--serve-registry"], { ...process.env, PATH: bin });
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include(
      "emulator: failed to start: --serve-registry needs Docker Distribution's registry server, and neither docker-registry nor registry is on PATH.",
    );
    expect(failed.stderr).to.include("apt-get install docker-registry skopeo");
    const wrong = await runCli(["--serve-registry", "--registry-binary", path.join(dir, "nothing")]);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.include(
      `--registry-binary ${path.join(dir, "nothing")} is not an executable file`,
    );
    const spaced = await runCli(["--admin-token", "two words"]);
    expect(spaced.code).to.equal(2);
    expect(spaced.stderr).to.include("--admin-token must be non-empty, without whitespace");
    const alone = await runCli(["--registry-binary", "/usr/bin/true"]);
    expect(alone.code).to.equal(2);
    expect(alone.stderr).to.include("--registry-binary needs --serve-registry");
  });

  it("a registry server that cannot start fails the start, naming it, and leaves no temporary folder", async () => {
    const before = leftovers();
    const failed = await runCli(["--serve-registry", "--registry-binary", "/bin/false"]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include(
      "emulator: failed to start: registry server (/bin/false) exited: (no output)",
    );
    const badSeed = await startEmulator({ serveRegistry: true, registries: [{ name: "Not A Name" }] }).then(
      async (started) => {
        await started.close();
        return "started";
      },
      (err: Error) => err.message,
    );
    expect(badSeed).to.include("properties.name");
    expect(leftovers()).to.deep.equal(before);
  });

  it("a stop while it is still starting its registry servers leaves no process or folder behind", async () => {
    const before = leftovers();
    const registries = ["reg-a", "reg-b", "reg-c", "reg-d", "reg-e", "reg-f"].flatMap((name) => [
      "--registry",
      name,
    ]);
    const child = spawn(process.execPath, [CLI, "--serve-registry", ...registries], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      // Once the first registry server runs, the others are still starting.
      await waitFor(() => registryServerProcesses().length > 0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exit, stderr).to.equal(0);
    expect(stdout).to.equal("");
    expect(stderr).to.include("emulator: SIGTERM, stopping");
    expect(registryServerProcesses()).to.deep.equal([]);
    expect(leftovers()).to.deep.equal(before);
  });

  it("stops its registry servers with it, and removes its temporary folder", async () => {
    const before = leftovers();
    const cli = await start(["--serve-registry", "--quiet", "--registry", "one", "--registry", "two"]);
    expect(leftovers()).to.have.length(before.length + 1);
    const addresses = cli.ready.registries.map((r) => r.hostname);
    for (const address of addresses) expect((await fetch(`http://${address}/v2/`)).status).to.equal(401);
    cli.child.kill("SIGTERM");
    expect(await cli.exit).to.equal(0);
    for (const address of addresses) {
      const refused = await fetch(`http://${address}/v2/`).then(
        () => "answered",
        (err: Error & { cause?: { code?: string } }) => err.cause?.code,
      );
      expect(refused, address).to.equal("ECONNREFUSED");
    }
    expect(leftovers()).to.deep.equal(before);
  });
});
