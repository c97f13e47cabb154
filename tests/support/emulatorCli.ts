/**
 * The emulator's command line as a user runs it: spawned with Node, read from its ready line, stdout and
 * stderr. Shared by the CLI suites.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

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

/** Spawns the CLI and resolves once it has printed its ready line. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("\n")) {
        resolve({
          child,
          ready: JSON.parse(stdout.split("\n")[0] as string),
          stdout: () => stdout,
          stderr: () => stderr,
          exit,
        });
      }
    });
    void exit.then((code) => reject(new Error(`CLI exited with ${code} before ready: ${stderr}`)));
  });
}

/** Runs the CLI to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
