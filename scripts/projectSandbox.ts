/**
 * A disposable copy of a Pulumi project (the root program, or an example), run with a local file backend and
 * passphrase secrets in a temp folder — so `pulumi stack init/config/up` never write into the repository. The
 * copy links `dist/` and/or `node_modules/` back to the repository, where this package resolves by name.
 */
import { spawn } from "child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { offlineEnv, REPO_ROOT } from "./pulumiCli";

/** A project copy plus the environment that makes the CLI run offline against it. */
export interface ProjectSandbox {
  /** The project folder (holds Pulumi.yaml). */
  projectDir: string;
  /** Environment for every `pulumi` call. */
  env: Record<string, string>;
  /**
   * Runs `pulumi <args>` in the project, asynchronously (an in-process emulator must keep serving). Resolves
   * with its output; `show` also streams it to this process's stdout/stderr. `input` goes to stdin (e.g. a secret
   * for `config set --secret`, which must not appear on a command line). Rejects on a non-zero exit.
   */
  pulumi(args: string[], options?: PulumiRunOptions): Promise<PulumiRun>;
  /** Removes the folder. */
  dispose(): void;
}

/** Options of {@link ProjectSandbox.pulumi}. */
export interface PulumiRunOptions {
  show?: boolean;
  env?: Record<string, string>;
  input?: string;
}

/** What a `pulumi` run printed. */
export interface PulumiRun {
  stdout: string;
  stderr: string;
}

/** Which project to copy: its folder, the files to copy, and the folders to link back to the repository. */
export interface ProjectSource {
  /** @default the repository root */
  dir?: string;
  /** @default ["Pulumi.yaml"] */
  files?: string[];
  /** Links created in the copy, each pointing at the same name in the repository root. @default ["dist", "node_modules"] */
  links?: string[];
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions extends PulumiRunOptions {
  cwd: string;
  /** The whole environment of the command. */
  env: Record<string, string>;
}

/**
 * Runs a command asynchronously (an in-process emulator must keep serving meanwhile) and resolves with what it
 * printed; rejects on a non-zero exit with an error holding the command line and its whole output.
 */
export function runCommand(command: string, args: string[], options: RunCommandOptions): Promise<PulumiRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.show) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.show) process.stderr.write(chunk);
    });
    child.stdin.end(options.input ?? "");
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(
            Object.assign(new Error(`${command} ${args.join(" ")} exited with ${code}\n${stdout}${stderr}`), {
              stdout,
              stderr,
            }),
          ),
    );
  });
}

/** Creates a sandboxed copy of a Pulumi project (by default the root program). */
export function createProjectSandbox(passphrase: string, source: ProjectSource = {}): ProjectSandbox {
  const root = mkdtempSync(path.join(tmpdir(), "ionos-project-"));
  const projectDir = path.join(root, "project");
  mkdirSync(projectDir);
  mkdirSync(path.join(root, "state"));
  mkdirSync(path.join(root, "home"));
  for (const file of source.files ?? ["Pulumi.yaml"]) {
    copyFileSync(path.join(source.dir ?? REPO_ROOT, file), path.join(projectDir, file));
  }
  for (const link of source.links ?? ["dist", "node_modules"]) {
    symlinkSync(path.join(REPO_ROOT, link), path.join(projectDir, link), "dir");
  }
  const env = offlineEnv({
    PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_HOME: path.join(root, "home"),
  });
  return {
    projectDir,
    env,
    pulumi: (args, options = {}) =>
      runCommand("pulumi", [...args, "--non-interactive", "--color", "never"], {
        ...options,
        cwd: projectDir,
        env: { ...env, ...options.env },
      }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
