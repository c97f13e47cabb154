/**
 * This machine's processes as `/proc` shows them: who started whom, and whether a process still runs. The
 * suites that kill `pulumi` use it to find the plugin it started and to watch that plugin end.
 */
import { readdirSync, readFileSync } from "fs";

/** One process: its pid, its parent's, its state letter (`Z` for a zombie) and its command line. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  state: string;
  argv: string[];
}

/** One process's entry, or undefined when it is gone. */
export function processEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may hold spaces and parentheses: the fields start after the last ")".
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return { pid, ppid: Number(ppid), state: state as string, argv };
  } catch {
    return undefined;
  }
}

/** Every process now. */
export function processes(): ProcessEntry[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== undefined);
}

/** The processes `pid` started, and theirs, recursively. */
export function descendants(pid: number): ProcessEntry[] {
  const all = processes();
  const found: ProcessEntry[] = [];
  for (let parents = new Set([pid]); parents.size > 0;) {
    const children = all.filter((entry) => parents.has(entry.ppid));
    found.push(...children);
    parents = new Set(children.map((child) => child.pid));
  }
  return found;
}

/** Whether a process still runs: a zombie (exited, not yet reaped) does not. */
export function isRunning(pid: number): boolean {
  const entry = processEntry(pid);
  return entry !== undefined && entry.state !== "Z";
}

/** Kills (SIGKILL) every listed process that still runs: what a killed run left behind. */
export function endAll(entries: readonly ProcessEntry[]): void {
  for (const entry of entries) if (isRunning(entry.pid)) process.kill(entry.pid, "SIGKILL");
}

/** Resolves once `condition` holds, with the milliseconds it took; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}
