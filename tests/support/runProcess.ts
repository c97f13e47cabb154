/**
 * A command run to its end as a person runs it in a terminal: what it printed, how it ended and how long it
 * took, whatever its exit status (`scripts/projectSandbox.ts`'s `runCommand` rejects on a non-zero one).
 */
import { spawn } from "child_process";

/** How a run ended. */
export interface ProcessRun {
  /** The exit status, or null when a signal ended it. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  cwd?: string;
  /** The whole environment. @default this process's */
  env?: NodeJS.ProcessEnv;
  /** Kill it with SIGKILL after this long (a run that hangs then ends with `signal`). @default none */
  killAfterMs?: number;
}

/** Runs `command args` with no stdin and resolves when it has ended and closed its output. */
export function runProcess(
  command: string,
  args: string[],
  options: RunProcessOptions = {},
): Promise<ProcessRun> {
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const killer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
  return new Promise((resolve) =>
    child.on("close", (status, signal) => {
      clearTimeout(killer);
      resolve({ status, signal, stdout, stderr, elapsedMs: Date.now() - started });
    }),
  );
}
