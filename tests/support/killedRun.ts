/**
 * A `pulumi up` or `destroy` killed with SIGKILL at a chosen moment, as a user kills a hanging run: what it had started is
 * recorded first, so a suite can watch those processes end (or end them).
 */
import { spawn } from "child_process";
import { descendants, isRunning, waitUntil, type ProcessEntry } from "./processTable";
import type { ModeProject } from "./modeProject";

/** The killed run: its pid, and every process it had started (children and theirs) just before the kill. */
export interface KilledRun {
  pid: number;
  started: ProcessEntry[];
}

/**
 * Starts `pulumi <command> --yes --skip-preview` in the project (`up` or `destroy`), waits until `ready` holds
 * (at most `timeoutMs`), then kills it with SIGKILL and waits for its exit. The kill happens also when waiting
 * fails.
 */
export async function killPulumiWhen(
  project: ModeProject,
  command: "up" | "destroy",
  ready: () => boolean,
  what: string,
  timeoutMs = 240_000,
): Promise<KilledRun> {
  const run = spawn("pulumi", [command, "--yes", "--skip-preview", "--non-interactive"], {
    cwd: project.projectDir,
    env: project.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  run.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  run.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let ended = false;
  const exited = new Promise((resolve) =>
    run.once("exit", (code) => {
      ended = true;
      resolve(code);
    }),
  );
  const pid = run.pid as number;
  try {
    // A run that ends by itself never reaches the moment to kill it: say why at once, not after the timeout.
    await waitUntil(() => ready() || ended, timeoutMs, what);
    if (!ready()) throw new Error(`pulumi ${command} ended before ${what}:\n${output}`);
    return { pid, started: descendants(pid) };
  } finally {
    run.kill("SIGKILL");
    await exited;
  }
}

/**
 * Ends what a killed run left serving its resources, as the docs tell users to: Pulumi's dynamic-provider host
 * outlives the engine and would go on with its writes, so it is killed; the engine's own provider processes
 * (not the language host's, which outlives the engine by minutes) end by themselves, and this waits for them.
 * @returns those provider processes (ended)
 */
export async function endKilledRunProviders(run: KilledRun): Promise<ProcessEntry[]> {
  for (const entry of run.started)
    if (entry.argv.some((a) => a.includes("cmd/dynamic-provider"))) process.kill(entry.pid, "SIGKILL");
  const providers = run.started.filter((e) => e.ppid === run.pid && !e.argv[0]?.includes("pulumi-language"));
  await waitUntil(() => providers.every((e) => !isRunning(e.pid)), 15_000, "the providers ended");
  return providers;
}
