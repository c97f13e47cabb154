/**
 * `ionos-registry-token pending --state FILE`, the form that needs no Pulumi project: a file from
 * `pulumi stack export` and the API (the emulator over loopback), run as the package's command.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PLUGIN_REGISTRY_TOKEN_TYPE } from "../../provider/cli/resourceTypes";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { runProcess, type ProcessRun } from "../support/runProcess";

const COMMAND = path.join(__dirname, "../../provider/cli/main.js");

/** The package's command with `pending` and `args`, in an environment with only `env`'s IONOS_* settings. */
function run(args: string[], env: Record<string, string>): Promise<ProcessRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("IONOS_")));
  return runProcess(process.execPath, [COMMAND, "pending", ...args], { env: { ...base, ...env } });
}

describe("ionos-registry-token pending --state FILE (a stack export, the API over loopback)", function () {
  this.timeout(30_000);
  const apiToken = "pending-state-token";
  let emulator: RunningEmulator;
  let dir: string;
  let file: string;
  let env: Record<string, string>;
  let orphanId: string;
  let heldId: string;

  beforeEach(async () => {
    emulator = await startEmulator({
      credentials: { token: apiToken },
      registries: [{ name: "state-file" }],
    });
    dir = mkdtempSync(path.join(tmpdir(), "pending-state-"));
    file = path.join(dir, "stack.json");
    env = { IONOS_TOKEN: apiToken, IONOS_API_URL: emulator.url };
    const registryId = emulator.registries[0].id;
    const api = new EmulatorApi(emulator.url, bearerAuth(apiToken));
    heldId = (await api.createToken(registryId, { name: "kept-aaaaaaaa" })).json.id as string;
    orphanId = (await api.createToken(registryId, { name: "lost-bbbbbbbb" })).json.id as string;
    const type = PLUGIN_REGISTRY_TOKEN_TYPE;
    const urn = (name: string) => `urn:pulumi:dev::p::${type}::${name}`;
    const deployment = {
      manifest: { time: "2026-12-06T12:00:00Z" },
      resources: [{ urn: urn("kept"), type, id: `${registryId}/${heldId}` }],
      pending_operations: [
        {
          type: "creating",
          resource: {
            urn: urn("lost"),
            type,
            inputs: { registryId, name: "lost-bbbbbbbb", namePrefix: "lost", status: "enabled", scopes: [] },
          },
        },
        {
          type: "creating",
          resource: {
            urn: urn("never"),
            type,
            inputs: {
              registryId,
              name: "never-cccccccc",
              namePrefix: "never",
              status: "enabled",
              scopes: [],
            },
          },
        },
      ],
    };
    writeFileSync(file, JSON.stringify({ version: 3, deployment }));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  });

  it("without --since nothing bounds the run: the create that landed is unsure, nothing is deleted, exit 2", async () => {
    const result = await run(["--state", file, "--delete"], env);
    expect(result.status, result.stderr).to.equal(2);
    expect(result.stdout).to.match(/^lost\s+creating\s+\S+\s+lost-bbbbbbbb\s+\S+\s+unsure$/m);
    expect(result.stdout).to.match(/^never\s+creating\s+-\s+never-cccccccc\s+-\s+absent$/m);
    expect(result.stdout).to.include("lost: Nothing tells when the interrupted run began");
    expect(result.stdout).to.include("Nothing cleared: lost need(s) a person");
    expect(emulator.admin.listTokens(emulator.registries[0].id)).to.have.length(2);
  });

  it("--since before the token: --delete deletes the orphan only, rewrites the file without pending operations, exit 0", async () => {
    const result = await run(["--state", file, "--since", "2000-01-01T00:00:00Z", "--delete", "--json"], env);
    expect(result.status, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as { deleted: string[]; cleared: boolean; notes: string[] };
    const registryId = emulator.registries[0].id;
    expect(report.deleted).to.deep.equal([`${registryId}/${orphanId}`]);
    expect(report.cleared).to.equal(true);
    expect(report.notes.join(" ")).to.include(
      `the stack changes when you import it (\`pulumi stack import --file ${file}\`)`,
    );
    expect(emulator.admin.listTokens(registryId).map((t) => t.id)).to.deep.equal([heldId]);
    const rewritten = JSON.parse(readFileSync(file, "utf8")) as {
      deployment: { pending_operations: unknown[]; resources: unknown[] };
    };
    expect(rewritten.deployment.pending_operations).to.deep.equal([]);
    expect(rewritten.deployment.resources).to.have.length(1);
    expect(emulator.requests().filter((r) => r.method === "DELETE")).to.have.length(1);
  });

  it("another resource type's pending create: the orphan is deleted, nothing is cleared (Pulumi clears all or none), exit 2", async () => {
    const exported = JSON.parse(readFileSync(file, "utf8")) as {
      deployment: { pending_operations: Array<Record<string, unknown>> };
    };
    const bucket = "aws:s3/bucket:Bucket";
    exported.deployment.pending_operations.push({
      type: "creating",
      resource: { urn: `urn:pulumi:dev::p::${bucket}::logs`, type: bucket, inputs: {} },
    });
    writeFileSync(file, JSON.stringify(exported));
    const result = await run(["--state", file, "--since", "2000-01-01T00:00:00Z", "--delete"], env);
    expect(result.status, result.stdout + result.stderr).to.equal(2);
    expect(result.stdout).to.include(
      "Nothing cleared: 1 pending operation(s) of other resource types remain, and Pulumi clears all or none.",
    );
    expect(result.stdout).to.not.match(/^logs\s/m);
    const registryId = emulator.registries[0].id;
    expect(emulator.admin.listTokens(registryId).map((t) => t.id)).to.deep.equal([heldId]);
    const kept = JSON.parse(readFileSync(file, "utf8")) as { deployment: { pending_operations: unknown[] } };
    expect(kept.deployment.pending_operations).to.have.length(3);
  });

  it("bad input fails (exit 1) naming what is wrong: --since, credentials, --stack with --state, the file; nothing changes", async () => {
    emulator.clearRequests();
    for (const [since, why] of [
      ["yesterday", "is not an RFC 3339 date and time with an offset (e.g. 2026-12-06T12:49:52Z)"],
      ["1", "is not an RFC 3339 date and time with an offset (e.g. 2026-12-06T12:49:52Z)"],
      ["2026-12-06T12:00:00", "is not an RFC 3339 date and time with an offset (e.g. 2026-12-06T12:49:52Z)"],
      ["2999-01-01T00:00:00Z", "is in the future"],
    ]) {
      const bad = await run(["--state", file, "--since", since, "--delete"], env);
      expect(bad.status, since).to.equal(1);
      expect(bad.stderr).to.equal(
        `ionos-registry-token: --since: ${since.startsWith("2999") ? since : `"${since}"`} ${why}\n`,
      );
    }
    const noCredentials = await run(["--state", file, "--delete"], { IONOS_API_URL: emulator.url });
    expect(noCredentials.status).to.equal(1);
    expect(noCredentials.stderr).to.include("IONOS_TOKEN");
    const wrongCredentials = await run(["--state", file, "--since", "2000-01-01T00:00:00Z", "--delete"], {
      ...env,
      IONOS_TOKEN: "not-the-token",
    });
    expect(wrongCredentials.status).to.equal(1);
    expect(wrongCredentials.stderr).to.include("401");
    const both = await run(["--state", file, "--stack", "dev"], env);
    expect(both.status).to.equal(1);
    expect(both.stderr).to.equal("ionos-registry-token: pending: give --stack or --state, not both\n");
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    const unreadable = await run(["--state", broken], env);
    expect(unreadable.status).to.equal(1);
    expect(unreadable.stderr).to.match(new RegExp(`^ionos-registry-token: --state ${broken}: not JSON \\(`));
    expect(emulator.requests().filter((r) => r.method !== "GET")).to.deep.equal([]);
    expect(emulator.admin.listTokens(emulator.registries[0].id)).to.have.length(2);
  });
});
