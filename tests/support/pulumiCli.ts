/**
 * The real Pulumi CLI for end-to-end tests: finds it on PATH, and builds Automation API stacks that run
 * offline (local file backend in a temp folder, passphrase secrets, no update check, no plugin downloads).
 */
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as auto from "@pulumi/pulumi/automation";
import { ensurePulumi, HOW_TO_GET_PULUMI, offlineEnv } from "../../scripts/pulumiCli";
import { PROJECT_ROOT } from "./providerHost";

export { findPulumi, offlineEnv } from "../../scripts/pulumiCli";

/**
 * Makes the real CLI available to an end-to-end suite the way `npm start` does (PATH, else the cached build,
 * else build it: a few minutes the first time), or throws saying why. End-to-end suites fail, never skip,
 * without a CLI: a green run must mean the user's path was tested.
 */
export function requirePulumi(): string {
  const cli = ensurePulumi();
  if ("missing" in cli)
    throw new Error(`no Pulumi CLI for the end-to-end tests: ${cli.missing}. ${HOW_TO_GET_PULUMI}`);
  return cli.version;
}

/** A temp folder holding a file backend and a PULUMI_HOME, removed by `dispose`. */
export interface E2eSandbox {
  dir: string;
  backendUrl: string;
  /** Variables for every CLI invocation in this sandbox. */
  envVars: Record<string, string>;
  dispose(): void;
}

/** Creates a sandbox; `passphrase` protects its secrets. */
export function createSandbox(passphrase: string): E2eSandbox {
  const dir = mkdtempSync(path.join(tmpdir(), "ionos-e2e-"));
  const envVars = {
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
  };
  execFileSync("mkdir", ["-p", path.join(dir, "home"), path.join(dir, "state")]);
  return {
    dir,
    backendUrl: envVars.PULUMI_BACKEND_URL,
    envVars,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * An Automation API stack for an inline program. The provider host starts in the project's `main` folder,
 * which must resolve `@pulumi/pulumi` and this package: the repository root.
 */
export async function inlineStack(
  sandbox: E2eSandbox,
  stackName: string,
  program: auto.PulumiFn,
  envVars: Record<string, string> = {},
): Promise<auto.Stack> {
  return auto.LocalWorkspace.createStack(
    { stackName, projectName: "e2e", program },
    {
      projectSettings: {
        name: "e2e",
        runtime: "nodejs",
        main: PROJECT_ROOT,
        backend: { url: sandbox.backendUrl },
      },
      envVars: { ...sandbox.envVars, ...envVars },
      secretsProvider: "passphrase",
    },
  );
}

/** `pulumi stack export` WITHOUT --show-secrets (the Automation API's exportStack shows them). */
export function exportStackRaw(stack: auto.Stack): {
  deployment: { resources: Array<Record<string, unknown>> };
} {
  const text = execFileSync("pulumi", ["stack", "export", "--stack", stack.name], {
    cwd: stack.workspace.workDir,
    env: offlineEnv(stack.workspace.envVars),
    encoding: "utf8",
  });
  return JSON.parse(text);
}
