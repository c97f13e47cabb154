/**
 * A `pulumi up` killed with SIGKILL while its creates are in flight (a first deployment; then a rename of a
 * chosen name with a `rotationTriggers` replacement of the generated ones), and a `pulumi destroy` killed while
 * its deletes are, each followed by the documented recovery, in both modes with the real CLI: `ionos-registry-token pending` (the package's command, run in the project as a user
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
import { readdirSync, renameSync, rmSync, writeFileSync } from "fs";
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
import { endKilledRunProviders, killPulumiWhen } from "../support/killedRun";
import { endAll, type ProcessEntry } from "../support/processTable";
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

/**
 * The program declaring `tokens`; each generated-name token carries `rotationTriggers: { generation }`, so a new
 * generation replaces them all.
 */
function program(mode: Mode, tokens: Declared, generation = "1"): string {
  if (mode === "dynamic") {
    const lines = Object.entries(tokens).map(
      ([resource, name]) =>
        `new RegistryToken(${JSON.stringify(resource)}, { registryId: ${resource === IN_REGISTRY_B ? "registryIdB" : "registryId"}${name ? `, name: ${JSON.stringify(name)}` : `, rotationTriggers: { generation: ${JSON.stringify(generation)} }`} });`,
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
      ...(name
        ? [`      name: ${name}`]
        : ["      rotationTriggers:", `        generation: "${generation}"`]),
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
    /** What every killed run left running (its language host outlives it by minutes): ended after the suite. */
    const leftRunning: ProcessEntry[] = [];
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
          // Absent once the stack is destroyed.
          resources?: Array<{ type: string; id?: string; outputs?: Record<string, unknown> }>;
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

    const tokensOf = (id: string) => `/containerregistries/registries/${id}/tokens`;
    /**
     * Runs `pulumi <command>` with the answers to `method` in registry A held (the writes land) and those to
     * registry B swallowed (they never land), kills it once `heldInA` and one are in flight, ends what it left
     * running as the docs tell users to, and lifts the faults.
     */
    async function killWith(command: "up" | "destroy", method: string, heldInA: number): Promise<void> {
      proxy!.setRules([{ method, pathPrefix: tokensOf(registryId()), delayMs: 120_000 }]);
      proxy!.setSwallowed([{ method, pathPrefix: tokensOf(registryIdB()) }]);
      const run = await killPulumiWhen(
        project!,
        command,
        () => proxy!.fired("/") === heldInA && proxy!.swallowed() === 1,
        `${heldInA} ${method}s committed and one swallowed`,
        90_000,
      ).catch((error: Error) => {
        const seen = emulator!.requests().map((r) => `${r.method} ${r.path} ${r.status}`);
        throw new Error(
          `${error.message}\n(held ${proxy!.fired("/")}, swallowed ${proxy!.swallowed()}; the API saw: ${seen.join(", ")})`,
        );
      });
      leftRunning.push(...run.started);
      // The dynamic-provider host is killed as the docs say; the plugin ends by itself.
      const providers = await endKilledRunProviders(run);
      expect(providers, JSON.stringify(run.started)).to.have.length.greaterThan(0);
      proxy!.setRules([]);
      proxy!.setSwallowed([]);
    }

    /**
     * What the recovery must end with: exactly `count` tokens in the state, each with a secret password, no
     * pending operation, no token of ours in the API that the state does not hold, the other stack's untouched.
     */
    async function expectConverged(count: number) {
      const state = await stateOf();
      expect(state.deployment.pending_operations ?? []).to.deep.equal([]);
      const tokens = (state.deployment.resources ?? []).filter((r) => r.type.endsWith("RegistryToken"));
      expect(tokens).to.have.length(count);
      const held = new Set(tokens.map((r) => (r.id as string).split("/")[1]));
      const ours = live().filter((t) => !othersTokens.includes(t.properties.name));
      expect(ours.map((t) => t.id).sort()).to.deep.equal([...held].sort());
      for (const token of tokens) {
        const password = token.outputs?.password as Record<string, unknown>;
        expect(password, "password stored as a secret").to.have.property("ciphertext");
      }
      // The other stack's tokens, named like this stack's generated names, were never touched.
      expect(live().filter((t) => othersTokens.includes(t.properties.name))).to.have.length(3);
    }

    const all: Declared = {
      keep: undefined,
      gen: undefined,
      more: undefined,
      late: undefined,
      picked: chosen,
    };

    it("kill -9 with four creates in flight: three land as orphans, one never does", async () => {
      writeProgram(project!, mode, program(mode, all));
      const before = live().length;
      // The three POSTs to registry A commit and their answers are held; the one to B never reaches the API.
      await killWith("up", "POST", 3);
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

    it("after a `pulumi cancel` (no lock left), the stack's history bounds the run: generated names are orphans, the chosen name unsure", async () => {
      // `pulumi cancel` on a file backend removes the lock; set it aside as that would, and put it back after.
      const aside = path.join(path.dirname(lockDir()), "aside");
      rmSync(aside, { recursive: true, force: true });
      renameSync(lockDir(), aside);
      try {
        const run = await pending("--json", "--stack", "dev");
        expect(run.status, run.stderr).to.equal(2);
        const report = JSON.parse(run.stdout) as {
          rows: Array<{ resource: string; verdict: string; reason?: string }>;
          runStart: { source: string };
        };
        expect(report.runStart.source).to.equal("the end of the last completed update");
        expect(report.rows.map((r) => `${r.resource} ${r.verdict}`).sort()).to.deep.equal(
          ["gen orphan", "late absent", "more orphan", "picked unsure"].sort(),
        );
        expect(report.rows.find((r) => r.resource === "picked")?.reason).to.include("Pass --since");
      } finally {
        renameSync(aside, lockDir());
      }
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
      await expectConverged(5);
    });

    let beforeReplacing: Map<string, string>;
    it("kill -9 during a rename of the chosen name and a rotationTriggers replacement of the others: every old token still works; four new ones land as orphans, one never does", async () => {
      beforeReplacing = new Map(live().map((t) => [t.id, t.properties.name]));
      writeProgram(project!, mode, program(mode, { ...all, picked: `${chosen}-renamed` }, "2"));
      emulator!.clearRequests();
      // Each replacement creates first (no name can collide), so nothing is deleted before the kill.
      await killWith("up", "POST", 4);
      expect(emulator!.requests().filter((r) => r.method === "DELETE")).to.deep.equal([]);
      const now = new Map(live().map((t) => [t.id, t.properties.name]));
      for (const [id, name] of beforeReplacing) expect(now.get(id), `${name} still live`).to.equal(name);
      expect(now.size).to.equal(beforeReplacing.size + 4);
      expect([...now.values()]).to.include(`${chosen}-renamed`);
      expect((await stateOf()).deployment.pending_operations ?? []).to.have.length(5);
    });

    it("`pending --delete` deletes the four new tokens, never the old ones the state holds, clears, and exits 0", async () => {
      const run = await pending("--delete", "--json");
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as {
        rows: Array<{ resource: string; verdict: string; name?: string }>;
        deleted: string[];
        cleared: boolean;
      };
      expect(report.rows.map((r) => r.verdict).sort()).to.deep.equal([
        "absent",
        "orphan",
        "orphan",
        "orphan",
        "orphan",
      ]);
      expect(report.rows.find((r) => r.resource === "picked")?.name).to.equal(`${chosen}-renamed`);
      expect(report.deleted).to.have.length(4);
      expect(report.cleared).to.equal(true);
      expect(new Map(live().map((t) => [t.id, t.properties.name]))).to.deep.equal(beforeReplacing);
    });

    it("the next `pulumi up` completes the rename and the rotation: exactly the declared tokens", async () => {
      await project!.pulumi(["up", "--yes"]);
      await expectConverged(5);
      const names = live().map((t) => t.properties.name);
      expect(names).to.include(`${chosen}-renamed`).and.not.include(chosen);
      for (const id of beforeReplacing.keys())
        if (!othersTokens.includes(beforeReplacing.get(id) as string))
          expect(
            live().map((t) => t.id),
            `old token ${id} replaced`,
          ).to.not.include(id);
    });

    it("kill -9 of `pulumi destroy` with five deletes in flight, then `pending --delete` and `pulumi destroy`: nothing of ours left", async () => {
      await killWith("destroy", "DELETE", 4);
      // The four held DELETEs landed, the swallowed one did not; the state still holds all five.
      const state = await stateOf();
      expect(
        (state.deployment.resources ?? []).filter((r) => r.type.endsWith("RegistryToken")),
      ).to.have.length(5);
      expect(state.deployment.pending_operations ?? []).to.have.length(5);
      const left = live().filter((t) => !othersTokens.includes(t.properties.name));
      expect(left).to.have.length(1);
      emulator!.clearRequests();
      const run = await pending("--delete", "--json");
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as { rows: Array<{ verdict: string }>; deleted: string[] };
      expect(report.rows.map((r) => r.verdict)).to.deep.equal(Array(5).fill("retry"));
      expect(report.deleted, "pending deletes only orphans of creates").to.deep.equal([]);
      expect(emulator!.requests().filter((r) => r.method !== "GET")).to.deep.equal([]);
      expect((await stateOf()).deployment.pending_operations ?? []).to.deep.equal([]);
      await project!.pulumi(["destroy", "--yes"]);
      await expectConverged(0);
    });
  });
}
