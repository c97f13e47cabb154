/**
 * A `pulumi up` killed with SIGKILL at a chosen moment, as a user kills a hanging run: what it had started is
 * recorded first, so a suite can watch those processes end (or end them).
 */
import { spawn } from "child_process";
import { descendants, waitUntil, type ProcessEntry } from "./processTable";
import type { ModeProject } from "./modeProject";

/** The killed run: its pid, and every process it had started (children and theirs) just before the kill. */
export interface KilledRun {
  pid: number;
  started: ProcessEntry[];
}

/**
 * Starts `pulumi up --yes --skip-preview` in the project, waits until `ready` holds (at most `timeoutMs`), then
 * kills it with SIGKILL and waits for its exit. The kill happens also when waiting fails.
 */
export async function killUpWhen(
  project: ModeProject,
  ready: () => boolean,
  what: string,
  timeoutMs = 240_000,
): Promise<KilledRun> {
  const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
    cwd: project.projectDir,
    env: project.env,
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => up.once("exit", resolve));
  const pid = up.pid as number;
  try {
    await waitUntil(ready, timeoutMs, what);
    return { pid, started: descendants(pid) };
  } finally {
    up.kill("SIGKILL");
    await exited;
  }
}
