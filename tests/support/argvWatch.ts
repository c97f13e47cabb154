/**
 * Watches every process's command line (Linux `/proc/<pid>/cmdline`) while a test runs and notes each one that
 * holds a secret, e.g. an API token passed as `pulumi config set --secret KEY VALUE` instead of through stdin:
 * any local user can read another process's argv (`ps -ef`). Polling can miss a process that lives for less
 * than one interval, so a clean result is evidence, not proof; {@link ArgvWatch.sawCommand} shows the watch did
 * see the processes it was meant to see.
 */
import { readdirSync, readFileSync } from "fs";

/** A running watch. */
export interface ArgvWatch {
  /** Whether some process seen so far had an argv element whose last path part is `command` (e.g. `pulumi`). */
  sawCommand(command: string): boolean;
  /** Stops polling; one line per process whose argv held a secret (`label in argv of pid N (argv[0])`). */
  stop(): string[];
}

/** Starts polling every `intervalMs`; `secrets` maps a label to a value (the value is never reported). */
export function watchArgv(secrets: Record<string, string>, intervalMs = 20): ArgvWatch {
  // Throws at once where there is no /proc: a watch that cannot look must not pass.
  readdirSync("/proc");
  const findings = new Map<string, string>();
  const commands = new Set<string>();
  const poll = () => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      } catch {
        continue; // gone since readdir, or not ours to read
      }
      for (const arg of argv.slice(0, 2)) commands.add(arg.split("/").pop() ?? arg);
      const line = argv.join(" ");
      for (const [label, value] of Object.entries(secrets))
        if (line.includes(value))
          findings.set(`${label}@${pid}`, `${label} in argv of pid ${pid} (${argv[0]})`);
    }
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    sawCommand: (command) => commands.has(command),
    stop: () => {
      clearInterval(timer);
      poll();
      return [...findings.values()];
    },
  };
}
