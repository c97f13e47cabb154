import { expect } from "chai";
import * as os from "node:os";
import { startEmulator } from "../../emulator";
import { isLoopback } from "../../emulator/http/adminGuard";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { startCliPerTest } from "../support/emulatorCli";

/** This machine's first non-loopback IPv4 address: connecting to it makes this process a network peer. */
function networkAddress(): string {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address;
  if (address === undefined)
    throw new Error("these tests need a non-loopback IPv4 interface to reach the emulator as a network peer");
  return address;
}

const FAULTS = { rules: [{ match: { operation: "registriesGet" }, action: { status: 500 } }] };

describe("emulator: admin routes on a network-facing emulator", function () {
  this.timeout(15_000);
  const start = startCliPerTest();

  it("knows which peers are loopback", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
      expect(isLoopback(address), address).to.equal(true);
    for (const address of ["192.0.2.2", "::ffff:192.0.2.2", "fe80::1", "::", undefined])
      expect(isLoopback(address), String(address)).to.equal(false);
  });

  it("refuses /_emulator/* to a network peer (403, nothing changed) and serves it on loopback", async () => {
    const emu = await startEmulator({
      host: "0.0.0.0",
      registries: [{ name: "kept" }],
      credentials: { token: "api" },
    });
    try {
      const remote = `http://${networkAddress()}:${emu.port}`;
      const registryId = emu.registries[0]?.id as string;
      const deleted = await fetch(`${remote}/_emulator/registries/${registryId}`, { method: "DELETE" });
      expect(deleted.status).to.equal(403);
      expect(await deleted.json()).to.deep.equal({
        httpStatus: 403,
        messages: [
          {
            errorCode: "FORBIDDEN",
            message:
              "the admin routes answer loopback clients only; start the emulator with --admin-token to allow others",
          },
        ],
      });
      const faults = await fetch(`${remote}/_emulator/faults`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(FAULTS),
      });
      expect(faults.status).to.equal(403);
      expect(emu.admin.listRegistries().map((r) => r.id)).to.deep.equal([registryId]);
      // The API itself stays usable from the network with its credentials, and its faults are untouched.
      const api = new EmulatorApi(`${remote}/containerregistries`, bearerAuth("api"));
      expect((await api.get("/registries")).status).to.equal(200);
      expect((await api.get("/registries", { auth: bearerAuth("wrong") })).status).to.equal(401);
      const local = await fetch(`http://127.0.0.1:${emu.port}/_emulator/registries/${registryId}`, {
        method: "DELETE",
      });
      expect(local.status).to.equal(204);
    } finally {
      await emu.close();
    }
  });

  it("with an admin token, requires it from every peer, loopback included", async () => {
    const emu = await startEmulator({
      host: "0.0.0.0",
      adminToken: "let-me-in",
      registries: [{ name: "kept" }],
    });
    try {
      const registryId = emu.registries[0]?.id as string;
      for (const origin of [`http://${networkAddress()}:${emu.port}`, `http://127.0.0.1:${emu.port}`]) {
        expect((await fetch(`${origin}/_emulator/faults`)).status, origin).to.equal(401);
        const wrong = await fetch(`${origin}/_emulator/faults`, {
          headers: { Authorization: "Bearer nope" },
        });
        expect(wrong.status, origin).to.equal(401);
        const right = await fetch(`${origin}/_emulator/faults`, {
          headers: { Authorization: "Bearer let-me-in" },
        });
        expect(right.status, origin).to.equal(200);
      }
      const remote = `http://${networkAddress()}:${emu.port}`;
      const deleted = await fetch(`${remote}/_emulator/registries/${registryId}`, {
        method: "DELETE",
        headers: { Authorization: "Bearer let-me-in" },
      });
      expect(deleted.status).to.equal(204);
      expect(emu.admin.listRegistries()).to.deep.equal([]);
    } finally {
      await emu.close();
    }
  });

  it("the CLI warns when it binds a non-loopback host, and not on loopback", async () => {
    const open = await start(["--host", "0.0.0.0", "--quiet"]);
    const guarded = await start(["--host", "0.0.0.0", "--admin-token", "t", "--quiet"]);
    const loopback = await start(["--quiet"]);
    for (const cli of [open, guarded, loopback]) {
      cli.child.kill("SIGTERM");
      expect(await cli.exit).to.equal(0);
    }
    expect(open.stderr()).to.include(
      "emulator: warning: --host 0.0.0.0 makes the API reachable from the network; the admin routes (/_emulator/*) still answer loopback clients only (set --admin-token to allow others)",
    );
    expect(guarded.stderr()).to.include("the admin routes (/_emulator/*) need the --admin-token");
    expect(guarded.stderr()).to.not.include("let-me-in");
    expect(loopback.stderr()).to.equal("");
  });
});
