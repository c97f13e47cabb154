/**
 * The emulator's command line as a user runs it: spawned with Node, read from its ready line, stdout and
 * stderr. Shared by the CLI suites.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { runProcess } from "./runProcess";

/** The compiled emulator CLI. */
export const CLI = path.resolve(__dirname, "../../emulator/cli.js");

/** A CLI that printed its ready line. */
export interface Started {
  child: ChildProcess;
  ready: { url: string; registries: Array<{ id: string; name: string; hostname: string }> };
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** How long the CLI may take to print its ready line (`--serve-registry` starts registry servers first). */
const READY_TIMEOUT_MS = 30_000;

/**
 * Spawns the CLI and resolves once it has printed its ready line. A CLI that exits first, prints something
 * else, or prints nothing in time is killed and the call fails: it never outlives a failed start.
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${why}: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!stdout.includes("\n")) return;
      clearTimeout(timer);
      let ready: Started["ready"];
      try {
        ready = JSON.parse(stdout.split("\n")[0] as string);
      } catch {
        return fail(`the ready line is not JSON (${stdout.split("\n")[0]})`);
      }
      resolve({ child, ready, stdout: () => stdout, stderr: () => stderr, exit });
    });
    void exit.then((code) => fail(`CLI exited with ${code} before ready`));
  });
}

/**
 * `startCli` for a suite whose CLIs must not outlive their test: registers an `afterEach` that stops (SIGTERM)
 * and awaits every CLI the returned function started, also when the test failed half-way. Call it in the body
 * of a `describe`. A CLI the test already stopped has exited, and is only awaited.
 */
export function startCliPerTest(): (args: string[], env?: NodeJS.ProcessEnv) => Promise<Started> {
  const running: Started[] = [];
  afterEach(async () => {
    for (const cli of running.splice(0)) {
      cli.child.kill("SIGTERM");
      await cli.exit;
    }
  });
  return async (args, env) => {
    const cli = await startCli(args, env);
    running.push(cli);
    return cli;
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = await runProcess(process.execPath, [CLI, ...args], { env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
