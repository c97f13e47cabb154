/**
 * A `pulumi up` killed with SIGKILL while its creates are in flight, then the documented recovery, in both
 * modes with the real CLI: `ionos-registry-token pending` (the package's command, run in the project as a user
 * runs it) lists what the kill left, `pending --delete` deletes exactly the orphans and clears the stack's
 * pending operations, and the next `pulumi up` ends with exactly the declared tokens, each with a secret
 * password, and no token in the API that the state does not hold.
 *
 * The kill: a proxy in front of the emulator lets three POSTs commit and holds their answers (the tokens
 * exist; nobody has their passwords), and the emulator holds a fourth POST before acting on it, so that one
 * never lands. Beside them, another stack's tokens with the same name prefixes, which nothing may touch.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import { readdirSync, rmSync, writeFileSync } from "fs";
import { hostname, userInfo } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { TokenView } from "../../emulator/model/views";
import {
  createModeProject,
  initStack,
  MODES,
  writeProgram,
  type Mode,
  type ModeProject,
} from "../support/modeProject";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { killUpWhen } from "../support/killedRun";
import { endAll, isRunning, waitUntil, type ProcessEntry } from "../support/processTable";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { requirePulumi } from "../support/pulumiCli";
import { runProcess, type ProcessRun } from "../support/runProcess";
import { startSlowAnswerProxy, type SlowAnswerProxy } from "../support/slowAnswerProxy";

/** The package's command, as its `bin` entry runs it. */
const COMMAND = path.join(REPO_ROOT, "dist/provider/cli/main.js");

/** The resources each program declares: name → chosen token name (undefined: generated). */
type Declared = Record<string, string | undefined>;

/** The resource whose token goes to the second registry (config `registryIdB`). */
const IN_REGISTRY_B = "late";

function program(mode: Mode, tokens: Declared): string {
  if (mode === "dynamic") {
    const lines = Object.entries(tokens).map(
      ([resource, name]) =>
        `new RegistryToken(${JSON.stringify(resource)}, { registryId: ${resource === IN_REGISTRY_B ? "registryIdB" : "registryId"}${name ? `, name: ${JSON.stringify(name)}` : ""} });`,
    );
    return [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { RegistryToken } from "ionos-registry-token";',
      "const config = new pulumi.Config();",
      'const registryId = config.require("registryId");',
      'const registryIdB = config.require("registryIdB");',
      ...lines,
      "",
    ].join("\n");
  }
  const resources = Object.entries(tokens).map(([resource, name]) =>
    [
      `  ${resource}:`,
      "    type: ionos-registry-token:index:RegistryToken",
      "    properties:",
      `      registryId: \${${resource === IN_REGISTRY_B ? "registryIdB" : "registryId"}}`,
      ...(name ? [`      name: ${name}`] : []),
    ].join("\n"),
  );
  const config = ["config:", "  registryId:", "    type: string", "  registryIdB:", "    type: string"];
  return [...config, "resources:", ...resources, ""].join("\n");
}

for (const mode of MODES) {
  describe(`interrupted runs: a \`pulumi up\` killed mid-create, then \`ionos-registry-token pending\` (${mode} mode, real CLI)`, function () {
    this.timeout(600_000);
    const apiToken = `pending-${randomBytes(12).toString("hex")}`;
    const chosen = `tok-chosen-${mode}`;
    let emulator: RunningEmulator | undefined;
    let proxy: SlowAnswerProxy | undefined;
    let project: ModeProject | undefined;
    let leftRunning: ProcessEntry[] = [];
    const registryId = () => emulator!.registries[0].id;
    const registryIdB = () => emulator!.registries[1].id;
    const live = (): TokenView[] => [
      ...emulator!.admin.listTokens(registryId()),
      ...emulator!.admin.listTokens(registryIdB()),
    ];
    /** Another stack's tokens, named as this stack's generated names are (prefix and suffix). */
    const othersTokens = ["gen-0therstk", "more-0therstk", "late-0therstk"];

    /** Runs the package's command in the project, with the API settings a user exports. */
    const pending = (...args: string[]): Promise<ProcessRun> =>
      runProcess(process.execPath, [COMMAND, "pending", ...args], {
        cwd: project!.projectDir,
        env: { ...project!.env, IONOS_TOKEN: apiToken, IONOS_API_URL: emulator!.url },
      });
    /** Where the file backend keeps this stack's locks. */
    const lockDir = () =>
      path.join(
        project!.env.PULUMI_BACKEND_URL!.slice("file://".length),
        ".pulumi/locks/organization",
        `pending-${mode}`,
        "dev",
      );
    const stateOf = async () =>
      JSON.parse((await project!.pulumi(["stack", "export"])).stdout) as {
        deployment: {
          resources: Array<{ type: string; id?: string; outputs?: Record<string, unknown> }>;
          pending_operations?: unknown[];
        };
      };

    before(async () => {
      requirePulumi();
      emulator = await startEmulator({
        credentials: { token: apiToken },
        registries: [{ name: `pending-${mode}` }, { name: `pending-${mode}-b` }],
      });
      proxy = await startSlowAnswerProxy(emulator.url);
      project = await createModeProject({
        mode,
        project: `pending-${mode}`,
        passphrase: "pending",
        program: program(mode, { keep: undefined }),
      });
      await initStack(
        project,
        mode,
        { endpoint: proxy.url, apiToken },
        { registryId: registryId(), registryIdB: registryIdB() },
      );
      await project.pulumi(["up", "--yes"]);
      const otherStack = new EmulatorApi(emulator.url, bearerAuth(apiToken));
      for (const name of othersTokens) {
        const registry = name.startsWith(IN_REGISTRY_B) ? registryIdB() : registryId();
        expect((await otherStack.createToken(registry, { name })).status).to.equal(201);
      }
    });
    after(async () => {
      endAll(leftRunning);
      project?.dispose();
      await proxy?.close();
      await emulator?.close();
    });

    it("kill -9 with four creates in flight: three land as orphans, one never does", async () => {
      writeProgram(
        project!,
        mode,
        program(mode, { keep: undefined, gen: undefined, more: undefined, late: undefined, picked: chosen }),
      );
      // The three POSTs to registry A commit and their answers are held; the one to B never reaches the API.
      const tokensOf = (id: string) => `/containerregistries/registries/${id}/tokens`;
      proxy!.setRules([{ method: "POST", pathPrefix: tokensOf(registryId()), delayMs: 120_000 }]);
      proxy!.setSwallowed([{ method: "POST", pathPrefix: tokensOf(registryIdB()) }]);
      const before = live().length;
      const run = await killUpWhen(
        project!,
        () => proxy!.fired("/") === 3 && proxy!.swallowed() === 1,
        "three POSTs committed and one swallowed",
      );
      leftRunning = run.started;
      // Pulumi's dynamic-provider host outlives the engine and would go on with its creates; the docs tell
      // users to end it, as this does (the plugin ends by itself).
      for (const entry of leftRunning)
        if (entry.argv.some((a) => a.includes("cmd/dynamic-provider"))) process.kill(entry.pid, "SIGKILL");
      // The engine's own provider processes (not the language host's, which outlives the engine by minutes).
      const providers = leftRunning.filter(
        (e) => e.ppid === run.pid && !e.argv[0]?.includes("pulumi-language"),
      );
      expect(providers, JSON.stringify(leftRunning)).to.have.length.greaterThan(0);
      await waitUntil(() => providers.every((e) => !isRunning(e.pid)), 15_000, "the providers ended");
      proxy!.setRules([]);
      proxy!.setSwallowed([]);
      expect(live().length).to.equal(before + 3);
      const state = await stateOf();
      expect(state.deployment.pending_operations ?? []).to.have.length(4);
    });

    it("while a run may still hold the stack (a live process's lock), `pending --delete` judges and touches nothing", async () => {
      const locks = readdirSync(lockDir()).filter((name) => name.endsWith(".json"));
      expect(locks, "the killed run's lock").to.have.length(1);
      // A lock as a running `pulumi` on this machine writes it: this test process stands in for that run.
      const live = path.join(lockDir(), "00000000-0000-4000-8000-000000000000.json");
      const at = new Date().toISOString();
      writeFileSync(
        live,
        JSON.stringify({
          pid: process.pid,
          username: userInfo().username,
          hostname: hostname(),
          timestamp: at,
        }),
      );
      try {
        emulator!.clearRequests();
        const run = await pending("--delete");
        expect(run.status, run.stderr).to.equal(2);
        expect(run.stdout).to.include(
          `A pulumi run holds the stack (lock ${live}: pid ${process.pid} on ${hostname()}`,
        );
        expect(run.stdout).to.not.include("VERDICT");
        expect(run.stdout).to.not.include("No pending operation");
        expect(emulator!.requests()).to.deep.equal([]);
        expect((await stateOf()).deployment.pending_operations ?? []).to.have.length(4);
      } finally {
        rmSync(live);
      }
    });

    it("`pending` lists each with the live token and its verdict, changes nothing, and exits 2", async () => {
      emulator!.clearRequests();
      const run = await pending("--json");
      expect(run.status, run.stderr).to.equal(2);
      const report = JSON.parse(run.stdout) as {
        rows: Array<{ resource: string; verdict: string; tokenId?: string; name?: string }>;
        runStart: { source: string };
      };
      expect(report.runStart.source).to.equal("the lock the interrupted run left on the stack");
      const verdicts = report.rows.map((r) => r.verdict).sort();
      expect(verdicts).to.deep.equal(["absent", "orphan", "orphan", "orphan"]);
      const liveIds = new Map(live().map((t) => [t.properties.name, t.id]));
      for (const row of report.rows.filter((r) => r.verdict === "orphan"))
        expect(row.tokenId, row.resource).to.equal(liveIds.get(row.name as string));
      expect(report.rows.find((r) => r.resource === "picked")?.name).to.equal(chosen);
      expect(emulator!.requests().map((r) => r.method)).to.not.include.members([
        "DELETE",
        "POST",
        "PATCH",
        "PUT",
      ]);
      const table = await pending();
      expect(table.stdout).to.match(/^RESOURCE\s+OPERATION\s+TOKEN ID\s+NAME\s+CREATED\s+VERDICT$/m);
      expect(table.stdout).to.include(
        "Next: 3 orphan(s), which `--delete` deletes. `ionos-registry-token pending --delete` clears the " +
          "pending operations once nothing is unsure; then `pulumi up` converges.",
      );
    });

    it("a token someone changed after the kill is unsure: `--delete` leaves it, deletes the rest, clears nothing, exits 2", async () => {
      const changed = live().find((t) => t.properties.name === chosen) as TokenView;
      emulator!.admin.patchToken(registryId(), changed.id, { status: "disabled" });
      const run = await pending("--delete", "--json");
      expect(run.status, run.stderr).to.equal(2);
      const report = JSON.parse(run.stdout) as {
        rows: Array<{ resource: string; verdict: string; reason: string }>;
        deleted: string[];
        cleared: boolean;
      };
      const picked = report.rows.find((r) => r.resource === "picked");
      expect(picked?.verdict).to.equal("unsure");
      expect(picked?.reason).to.include("status differ from what the create sent");
      expect(report.deleted).to.have.length(2);
      expect(report.cleared).to.equal(false);
      expect(live().map((t) => t.id)).to.include(changed.id);
      expect((await stateOf()).deployment.pending_operations ?? []).to.have.length(4);
    });

    it("once the person removed it, `--delete` clears the pending operations (removing the dead run's lock) and exits 0", async () => {
      const changed = live().find((t) => t.properties.name === chosen) as TokenView;
      emulator!.admin.deleteToken(registryId(), changed.id);
      const run = await pending("--delete");
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.include("Removed the lock the interrupted run left");
      expect(run.stdout).to.match(/^Cleared the pending operations of dev\.$/m);
      expect((await stateOf()).deployment.pending_operations ?? []).to.deep.equal([]);
      // Only this stack's first token and the other stack's are left.
      expect(
        live()
          .map((t) => t.properties.name)
          .sort(),
      ).to.deep.equal(
        [
          ...othersTokens,
          ...live()
            .filter((t) => t.properties.name.startsWith("keep-"))
            .map((t) => t.properties.name),
        ].sort(),
      );
      const again = await pending();
      expect(again.status).to.equal(0);
      expect(again.stdout).to.include("No pending operation of a RegistryToken in stack dev.");
    });

    it("the next `pulumi up` ends with exactly the declared tokens, passwords secret, nothing the state does not hold", async () => {
      const { stdout, stderr } = await project!.pulumi(["up", "--yes"]);
      expect(stdout + stderr).to.not.include("pending operation");
      const state = await stateOf();
      const tokens = state.deployment.resources.filter((r) => r.type.endsWith("RegistryToken"));
      expect(tokens).to.have.length(5);
      const held = new Set(tokens.map((r) => (r.id as string).split("/")[1]));
      const ours = live().filter((t) => !othersTokens.includes(t.properties.name));
      expect(ours.map((t) => t.id).sort()).to.deep.equal([...held].sort());
      for (const token of tokens) {
        const password = token.outputs?.password as Record<string, unknown>;
        expect(password, "password stored as a secret").to.have.property("ciphertext");
      }
      // The other stack's tokens, named like this stack's generated names, were never touched.
      expect(live().filter((t) => othersTokens.includes(t.properties.name))).to.have.length(3);
    });
  });
}
