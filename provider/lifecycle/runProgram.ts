/**
 * Whether the Pulumi command that started this process runs the program (`--run-program`, or
 * `PULUMI_RUN_PROGRAM`), so that the provider got the current stack config rather than the settings stored at the
 * last `up`. The engine tells a provider neither, so the answer comes from what the provider can see: its
 * environment, which it inherits from the CLI, and the command line of the `pulumi` process above it. That is
 * the parent for the plugin, but not always for the dynamic-provider host: the official
 * `pulumi-resource-pulumi-nodejs` shim runs `node` from a shell without `exec`, so the walk goes up a few
 * ancestors. `undefined` where no `pulumi` ancestor can be read (Windows has no `/proc` and no `ps`; a process
 * tree without the CLI): the caller then keeps its conditional wording.
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";

/** A process seen from outside: its command line and its parent. */
interface ProcessView {
  argv: string[];
  ppid: number;
}

/** How far up the walk looks for the CLI: plugin → CLI, or host → shim shell → CLI, with room to spare. */
const MAX_DEPTH = 4;

/** `pid`'s command line and parent, or undefined where they cannot be read. */
function processView(pid: number): ProcessView | undefined {
  try {
    if (process.platform === "linux") {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return { argv, ppid };
    }
    if (process.platform === "win32") return undefined;
    const line = execFileSync("ps", ["-o", "ppid=", "-o", "args=", "-p", String(pid)], {
      encoding: "utf8",
      timeout: 2000,
    }).trim();
    const [ppid, ...argv] = line.split(/\s+/);
    return { argv, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Whether `argv0` names the Pulumi CLI. */
const isPulumi = (argv0: string | undefined) => /^pulumi(\.exe)?$/i.test(path.basename(argv0 ?? ""));

/**
 * The command line of the nearest `pulumi` process above this one (at most {@link MAX_DEPTH} levels up), or
 * undefined where there is none or it cannot be read.
 */
export function pulumiCommandLine(start: number = process.ppid): string[] | undefined {
  let pid = start;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const view = processView(pid);
    if (view === undefined) return undefined;
    if (isPulumi(view.argv[0])) return view.argv;
    pid = view.ppid;
  }
  return undefined;
}

/** Go's `strconv.ParseBool`, which the CLI's flags use; undefined for anything else. */
function parseBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** The CLI's reading of a boolean variable (`cmdutil.IsTruthy`): "1" or "true" in any case. */
const truthy = (value: string | undefined) => value === "1" || value?.toLowerCase() === "true";

/**
 * Whether the command `commandLine` (the CLI's, with `env`) runs the program: an explicit `--run-program[=bool]`
 * decides; without one, `PULUMI_RUN_PROGRAM` does (read by CLI 3.169 and later). Undefined when the command line
 * is unknown and the variable does not say yes.
 */
export function runsProgram(env: NodeJS.ProcessEnv, commandLine: string[] | undefined): boolean | undefined {
  const flag = commandLine
    ?.filter((arg) => arg === "--run-program" || arg.startsWith("--run-program="))
    .pop();
  if (flag !== undefined)
    return flag === "--run-program" || parseBool(flag.slice("--run-program=".length)) === true;
  if (truthy(env.PULUMI_RUN_PROGRAM)) return true;
  return commandLine === undefined ? undefined : false;
}
