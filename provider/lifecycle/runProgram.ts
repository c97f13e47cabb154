/**
 * Whether the Pulumi command that started this process runs the program (`--run-program`, or
 * `PULUMI_RUN_PROGRAM`), so that the provider got the current stack config rather than the settings stored at the
 * last `up`. The engine tells a provider neither, so the answer comes from what the provider can see: its
 * environment, which it inherits from the CLI, and the command line of its parent, which is the CLI (the engine
 * starts the dynamic-provider host and the plugin itself). `undefined` where neither can be read (Windows has no
 * `/proc` and no `ps`): the caller then keeps its conditional wording.
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";

/** The command line of this process's parent, or undefined where it cannot be read. */
export function parentCommandLine(): string[] | undefined {
  try {
    if (process.platform === "linux") {
      return readFileSync(`/proc/${process.ppid}/cmdline`, "utf8").split("\0").filter(Boolean);
    }
    if (process.platform === "win32") return undefined;
    const args = execFileSync("ps", ["-o", "args=", "-p", String(process.ppid)], {
      encoding: "utf8",
      timeout: 2000,
    });
    return args.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

/** The CLI's reading of a boolean variable (`cmdutil.IsTruthy`): "1" or "true" in any case. */
const truthy = (value: string | undefined) => value === "1" || value?.toLowerCase() === "true";

/**
 * Whether the command `commandLine` (the CLI's, with `env`) runs the program: an explicit `--run-program[=bool]`
 * decides; without one, `PULUMI_RUN_PROGRAM` does. Undefined when the command line is unknown and the variable
 * does not say yes.
 */
export function runsProgram(env: NodeJS.ProcessEnv, commandLine: string[] | undefined): boolean | undefined {
  const flag = commandLine
    ?.filter((arg) => arg === "--run-program" || arg.startsWith("--run-program="))
    .pop();
  if (flag !== undefined) return flag === "--run-program" || truthy(flag.slice("--run-program=".length));
  if (truthy(env.PULUMI_RUN_PROGRAM)) return true;
  return commandLine === undefined ? undefined : false;
}
