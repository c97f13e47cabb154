/**
 * The plugin ends when the engine that started it is gone (provider/plugin/engineWatch.ts): its parent dies,
 * or the engine's gRPC address, once reachable, stops accepting connections. The plugin is spawned as the
 * engine spawns it, here through a shell that stands in for the engine's process.
 */
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { spawn, type ChildProcess } from "child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { createInterface } from "readline";
import { PLUGIN_PATH, startPluginSession } from "../support/pluginSession";
import { descendants, isRunning, waitUntil } from "../support/processTable";

/** The promise: gone within 10 s of the engine. */
const EXIT_LIMIT_MS = 10_000;

interface PluginUnderShell {
  shell: ChildProcess;
  pluginPid: number;
  stderr: () => string;
}

/** Runs the plugin under `sh -c script` (`$0` is the plugin, `$1` the engine address); resolves once it listens. */
async function pluginUnderShell(script: string, engineAddress: string): Promise<PluginUnderShell> {
  const shell = spawn("sh", ["-c", script, PLUGIN_PATH, engineAddress], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  shell.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: shell.stdout! }).once("line", () => resolve());
    shell.once("exit", (code) => reject(new Error(`the shell exited with ${code}: ${stderr}`)));
  });
  const plugin = descendants(shell.pid as number).find((p) => p.argv.includes(PLUGIN_PATH));
  if (plugin === undefined) throw new Error("no plugin process under the shell");
  return { shell, pluginPid: plugin.pid, stderr: () => stderr };
}

/** A stand-in for the engine's gRPC server: it accepts connections and serves nothing. */
async function fakeEngine(): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, server };
}

describe("plugin: exits when the engine is gone", function () {
  this.timeout(60_000);
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it("its parent process dies (a killed `pulumi`): exits within 10 s, saying why", async () => {
    // The shell waits on the plugin in the background, like an engine that is about to be killed.
    const run = await pluginUnderShell('"$0" "$1" & wait', "127.0.0.1:1");
    cleanups.push(
      () => run.shell.kill("SIGKILL"),
      () => isRunning(run.pluginPid) && process.kill(run.pluginPid),
    );
    const shellPid = run.shell.pid as number;
    run.shell.kill("SIGKILL");
    const tookMs = await waitUntil(() => !isRunning(run.pluginPid), EXIT_LIMIT_MS, "the plugin exited");
    expect(tookMs).to.be.below(EXIT_LIMIT_MS);
    await waitUntil(() => run.stderr().includes("\n"), 2_000, "the plugin said why");
    expect(run.stderr()).to.equal(
      `pulumi-resource-ionos-registry-token: exiting: its parent process (pid ${shellPid}) exited\n`,
    );
  });

  it("the engine's address stops answering while the parent lives on (a launcher in between): exits within 10 s", async () => {
    const engine = await fakeEngine();
    cleanups.push(() => engine.server.forceShutdown());
    const run = await pluginUnderShell('"$0" "$1"; exec sleep 30', engine.address);
    cleanups.push(
      () => run.shell.kill("SIGKILL"),
      () => isRunning(run.pluginPid) && process.kill(run.pluginPid),
    );
    // Let the watch see the engine once (its first check is a second in).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(isRunning(run.pluginPid)).to.equal(true);
    engine.server.forceShutdown();
    await waitUntil(() => !isRunning(run.pluginPid), EXIT_LIMIT_MS, "the plugin exited");
    expect(isRunning(run.shell.pid as number), "the shell outlives the plugin").to.equal(true);
    await waitUntil(() => run.stderr().includes("\n"), 2_000, "the plugin said why");
    expect(run.stderr()).to.equal(
      `pulumi-resource-ionos-registry-token: exiting: the engine at ${engine.address} no longer accepts connections\n`,
    );
  });

  it("an engine address that never answered proves nothing: the plugin keeps serving", async () => {
    const plugin = await startPluginSession({}, { captureStderr: true });
    try {
      // Several checks' worth (one a second) with 127.0.0.1:1, which refuses every connection.
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect(plugin.child.exitCode).to.equal(null);
      const info = await plugin.call<{ getVersion(): string }>("getPluginInfo", new Empty());
      expect(info.getVersion()).to.match(/^\d+\.\d+\.\d+/);
      expect(plugin.output()).to.equal("");
    } finally {
      await plugin.close();
    }
  });
});
