/**
 * The leak guard: a mocha run that ends with something still holding the process open (a listening server, a
 * child process, a socket, a timer) fails loudly within a few seconds instead of hanging.
 *
 * Mocha does not force an exit when the run ends (no `--exit`), on purpose: a process that stays alive is how
 * a leak shows itself. Left alone, though, it shows itself as a prompt that never comes back and a CI run that
 * ends at its time limit instead of reporting its failures. So, when the run ends, the guard arms a timer that
 * does not itself keep the process alive. A clean run exits before it fires. If it fires, the process is being
 * held: the guard names every server, child process, socket and timer that holds it, with the test or hook
 * that acquired it, kills the leaked child processes (nothing is left running after the run), and exits with
 * the run counted as failed.
 */
import { ChildProcess } from "child_process";
import Mocha from "mocha";
import * as net from "net";

/** How long after the run's end a process may still be held before the guard calls it a leak. */
export const DEFAULT_GRACE_MS = 5_000;

/** Environment variable that overrides {@link DEFAULT_GRACE_MS} (milliseconds). */
export const GRACE_ENV = "LEAK_GUARD_GRACE_MS";

/** One thing that holds the process open, described for a person. */
export interface OpenHandle {
  /** What it is, e.g. `server listening on 127.0.0.1:41235` or `child process 812: node cli.js`. */
  description: string;
  /** The test or hook that was running when it was acquired, when known. */
  acquiredIn?: string;
  /** A leaked child process, which the guard kills before it exits. */
  child?: ChildProcess;
}

/** The test or hook each server, child process and child's stdio pipe was acquired in. */
const acquiredIn = new WeakMap<object, string>();
/** The child process each stdio pipe belongs to, described. */
const stdioOf = new WeakMap<object, string>();
let currentRunnable: string | undefined;
let installed = false;

/**
 * Records, for every server that starts listening and every child process spawned from now on, the title of
 * the test or hook running at the time, so that a leak report can say where the leak came from.
 */
function recordAcquisitions(runner: Mocha.Runner): void {
  const { EVENT_TEST_BEGIN, EVENT_HOOK_BEGIN } = Mocha.Runner.constants;
  runner.on(EVENT_TEST_BEGIN, (test) => (currentRunnable = test.fullTitle()));
  runner.on(EVENT_HOOK_BEGIN, (hook) => (currentRunnable = hook.fullTitle()));
  if (installed) return;
  installed = true;
  // Patched on the prototypes, so servers and children made by modules loaded before the run are seen too.
  // http(s).Server extends net.Server; exec, execFile and fork all go through ChildProcess#spawn.
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    if (currentRunnable !== undefined) acquiredIn.set(this, currentRunnable);
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  // ChildProcess#spawn is public at run time but missing from @types/node.
  const prototype = ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
  const spawn = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, ...args: unknown[]) {
    const result = spawn.apply(this, args);
    const started = `child process ${this.pid}: ${this.spawnargs.join(" ")}`;
    for (const pipe of [this, ...this.stdio]) {
      if (pipe === null || pipe === undefined) continue;
      if (currentRunnable !== undefined) acquiredIn.set(pipe, currentRunnable);
      // A child's pipe outlives the child when a process it started (a grandchild) still holds the other end.
      if (pipe !== this) stdioOf.set(pipe, started);
    }
    return result;
  };
}

/** Whether a handle keeps the event loop alive (an `unref()`ed one does not). */
function isReferenced(handle: object): boolean {
  const inner = (handle as { _handle?: { hasRef?: () => boolean } })._handle;
  return typeof inner?.hasRef === "function" ? inner.hasRef() : true;
}

function addressOf(address: string | net.AddressInfo | null): string {
  if (address === null) return "(not bound)";
  if (typeof address === "string") return address;
  return address.family === "IPv6"
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

function describeSocket(socket: net.Socket): string {
  if (socket.remoteAddress !== undefined)
    return `socket ${socket.localAddress}:${socket.localPort} -> ${socket.remoteAddress}:${socket.remotePort}`;
  return "pipe or socket (not connected over TCP)";
}

/**
 * Everything that currently keeps this process alive, described for a person: servers with their address,
 * child processes with their pid and command line, sockets with both ends, and timers by count. The process's
 * own stdin, stdout and stderr, and each child's stdio pipes (reported as part of the child), are left out.
 */
export function openHandles(): OpenHandle[] {
  // `_getActiveHandles` is the only way to reach the objects themselves (getActiveResourcesInfo gives only
  // type names); it has been stable since Node 0.x and is what tools such as why-is-node-running read.
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  const children = handles.filter((h): h is ChildProcess => h instanceof ChildProcess);
  const childPipes = new Set<unknown>(children.flatMap((child) => child.stdio));
  const own = new Set<unknown>([process.stdin, process.stdout, process.stderr]);
  const found: OpenHandle[] = [];
  for (const handle of handles) {
    if (own.has(handle) || childPipes.has(handle) || !isReferenced(handle)) continue;
    const where = acquiredIn.get(handle);
    if (handle instanceof net.Server) {
      found.push({ description: `server listening on ${addressOf(handle.address())}`, acquiredIn: where });
    } else if (handle instanceof ChildProcess) {
      const command = handle.spawnargs.join(" ");
      found.push({
        description: `child process ${handle.pid}: ${command}`,
        acquiredIn: where,
        child: handle,
      });
    } else if (handle instanceof net.Socket && stdioOf.has(handle)) {
      const child = stdioOf.get(handle) as string;
      const description = `stdio pipe of ${child}, which exited; a process it started still holds the pipe`;
      found.push({ description, acquiredIn: where });
    } else if (handle instanceof net.Socket) {
      found.push({ description: describeSocket(handle), acquiredIn: where });
    } else {
      found.push({ description: `${handle.constructor.name} handle`, acquiredIn: where });
    }
  }
  // Timers are not handles in Node's sense; only their count is known.
  const resources = process.getActiveResourcesInfo();
  const timers = resources.filter((type) => type === "Timeout").length;
  if (timers > 0) found.push({ description: `${timers} pending timer(s) (setTimeout/setInterval)` });
  // Whatever else holds the process (a pending file-system request, a DNS look-up, ...) by its type name.
  if (found.length === 0 && resources.length > 0)
    found.push({ description: `other resources: ${[...new Set(resources)].join(", ")}` });
  return found;
}

/** The leak report, one line per open handle. */
export function leakReport(found: readonly OpenHandle[], graceMs: number, exitCode: number): string {
  const lines = [
    "",
    `leak guard: ${found.length} thing(s) still held the process open ${graceMs / 1000} s after the run ended:`,
    ...found.map(
      (open) =>
        `  - ${open.description}` +
        (open.acquiredIn ? `\n      acquired in: ${open.acquiredIn}` : "") +
        (open.child ? "\n      (killed by the leak guard)" : ""),
    ),
    `leak guard: a test or hook acquired these and never released them; the run fails (exit status ${exitCode}).`,
    "",
  ];
  return lines.join("\n");
}

/**
 * Kills a leaked child and, when it leads its own process group (spawned `detached`), everything it started:
 * a leaked `pulumi` would otherwise leave its plugins running.
 */
function killWithItsGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

function graceFromEnvironment(): number {
  const raw = process.env[GRACE_ENV];
  const value = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_GRACE_MS;
}

/**
 * Watches a mocha run for leaks: records where servers and child processes are acquired, and once the run
 * ends, gives the process `graceMs` to exit by itself. If it is still alive then, writes the leak report to
 * stderr, kills leaked child processes and exits with mocha's exit status plus one (a run with no failing
 * test still fails).
 */
export function guardAgainstLeaks(runner: Mocha.Runner, graceMs = graceFromEnvironment()): void {
  recordAcquisitions(runner);
  runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
    const failures = runner.stats?.failures ?? 0;
    const timer = setTimeout(() => {
      const found = openHandles();
      const exitCode = Math.min(failures + 1, 255);
      process.stderr.write(leakReport(found, graceMs, exitCode));
      for (const open of found) if (open.child) killWithItsGroup(open.child);
      // Mocha sets the exit status from the failure count in an `exit` listener added after the run; this one
      // is added later still, so it has the last word.
      process.on("exit", () => (process.exitCode = exitCode));
      process.exit(exitCode);
    }, graceMs);
    timer.unref();
  });
}
