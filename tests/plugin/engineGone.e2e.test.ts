/**
 * A `pulumi up` killed with SIGKILL while the plugin has a create in flight, as a user's hanging run gets
 * killed: the plugin it started must not live on. Real CLI, a Pulumi YAML program, the emulator behind a
 * proxy that holds back the POST's answer (the token is created; the answer is on its way).
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createModeProject, initStack, type ModeProject } from "../support/modeProject";
import { PLUGIN_PATH } from "../support/pluginSession";
import { killPulumiWhen } from "../support/killedRun";
import { endAll, isRunning, waitUntil, type ProcessEntry } from "../support/processTable";
import { requirePulumi } from "../support/pulumiCli";
import { startSlowAnswerProxy, type SlowAnswerProxy } from "../support/slowAnswerProxy";

/** One token with a generated name. */
const PROGRAM = `config:
  registryId:
    type: string
resources:
  held:
    type: ionos-registry-token:index:RegistryToken
    properties:
      registryId: \${registryId}
`;

/** The promise: the plugin is gone within 10 s of the engine. */
const EXIT_LIMIT_MS = 10_000;

describe("plugin: a `pulumi up` killed mid-create leaves no plugin running (real CLI, YAML)", function () {
  this.timeout(300_000);
  const apiToken = `gone-${randomBytes(12).toString("hex")}`;
  let emulator: RunningEmulator | undefined;
  let proxy: SlowAnswerProxy | undefined;
  let project: ModeProject | undefined;
  let started: ProcessEntry[] = [];

  before(async () => {
    requirePulumi();
    emulator = await startEmulator({
      credentials: { token: apiToken },
      registries: [{ name: "engine-gone" }],
    });
    proxy = await startSlowAnswerProxy(emulator.url);
    project = await createModeProject({
      mode: "plugin",
      project: "engine-gone",
      passphrase: "engine-gone",
      program: PROGRAM,
    });
    await initStack(
      project,
      "plugin",
      { endpoint: proxy.url, apiToken },
      { registryId: emulator.registries[0].id },
    );
  });
  after(async () => {
    // Whatever the killed CLI started and left behind (the YAML language host is Pulumi's, with its own
    // minutes-long health check) is not left running after this suite.
    endAll(started);
    project?.dispose();
    await proxy?.close();
    await emulator?.close();
  });

  it("the plugin exits within 10 s of the kill, and so does the one the language host started when that goes", async () => {
    proxy!.setRules([{ method: "POST", pathPrefix: "/", delayMs: 60_000 }]);
    // The token exists in the API; its answer (and password) is held by the proxy.
    const run = await killPulumiWhen(project!, "up", () => proxy!.fired("/") === 1, "the POST was committed");
    started = run.started;
    // `node …/bin/pulumi-resource-…` from the checkout, or the release's executable itself.
    const isPlugin = (entry: ProcessEntry) =>
      entry.argv.slice(0, 2).some((arg) => arg.endsWith(path.basename(PLUGIN_PATH)));
    // The engine runs the plugin itself (the launcher `exec`s node); so does Pulumi YAML's language host, to
    // read the schema, with the host's own address.
    const plugin = started.find((entry) => isPlugin(entry) && entry.ppid === run.pid);
    expect(plugin, JSON.stringify(started)).to.not.equal(undefined);
    const tookMs = await waitUntil(() => !isRunning(plugin!.pid), EXIT_LIMIT_MS, "the plugin exited");
    expect(tookMs).to.be.below(EXIT_LIMIT_MS);
    // The language host outlives the engine by minutes (Pulumi's own health check); once it goes, so does the
    // plugin it started.
    const languageHost = started.find((entry) => entry.argv[0]?.endsWith("pulumi-language-yaml"));
    const itsPlugin = started.find((entry) => isPlugin(entry) && entry.ppid === languageHost?.pid);
    expect(itsPlugin, JSON.stringify(started)).to.not.equal(undefined);
    process.kill(languageHost!.pid, "SIGKILL");
    await waitUntil(() => !isRunning(itsPlugin!.pid), EXIT_LIMIT_MS, "the language host's plugin exited");
    // What the kill left: a token that no state holds (recovered by `ionos-registry-token pending`).
    expect(emulator!.admin.listTokens(emulator!.registries[0].id)).to.have.length(1);
  });
});
