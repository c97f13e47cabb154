#!/usr/bin/env node
/**
 * The emulator's command line: `npm run emulator -- [flags]` (see `cliArgs.ts` or `--help`).
 *
 * When ready it prints exactly one JSON line on stdout, `{"url": …, "registries": [{"id", "name", "hostname"}]}`,
 * so scripts can read the URL; request logs and errors go to stderr. SIGINT, SIGTERM and SIGHUP stop it
 * cleanly (exit 0), also while it is still starting. Exit 2 means bad flags, 1 a start-up failure.
 */
import { parseCli, usage } from "./cliArgs";
import { writeOciImage } from "./registry/ociImage";
import { startEmulator, type RunningEmulator } from "./index";
import { isLoopback } from "./http/adminGuard";
import type { RequestLogEntry } from "./log/requestLog";
import type { AuthDecision } from "./registry/tokenServer";

function logLine(entry: RequestLogEntry): string {
  const fault = entry.fault === undefined ? "" : ` fault=${entry.fault}`;
  return `${entry.at} ${entry.method} ${entry.path} ${entry.status} ${entry.operation} ${entry.durationMs}ms${fault}\n`;
}

/**
 * One registry login, e.g. `… registry-auth demo user=ci-pull asked=[repository:app:pull,push]
 * granted=[repository:app:pull]`. What the client sent is escaped, so it cannot forge log lines.
 */
function authLine(decision: AuthDecision): string {
  const who = decision.username === undefined ? "anonymous" : `user=${escaped(decision.username)}`;
  const where = decision.registry?.name ?? `service=${JSON.stringify(decision.service)}`;
  const verdict =
    decision.outcome === "issued"
      ? `granted=[${decision.granted.map(escaped).join(" ")}]`
      : `denied (${decision.reason ?? ""})`;
  const asked = decision.requested.map(escaped).join(" ");
  return `${decision.at} registry-auth ${where} ${who} asked=[${asked}] ${verdict}\n`;
}

/** `text` as is when it is printable ASCII without spaces or quotes, else as a JSON string. */
function escaped(text: string): string {
  return /^[\x21-\x7e]*$/.test(text) && !text.includes('"') ? text : JSON.stringify(text);
}

/** True when `host` is reachable only from this machine. */
function bindsLoopbackOnly(host: string): boolean {
  return host === "localhost" || isLoopback(host);
}

async function main(argv: readonly string[]): Promise<void> {
  let config;
  try {
    config = parseCli(argv);
  } catch (err) {
    process.stderr.write(`emulator: ${(err as Error).message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    process.stdout.write(usage());
    return;
  }
  if (config.writeImage !== undefined) {
    const image = writeOciImage(config.writeImage, "hello from the ionos-registry-emulator\n");
    process.stdout.write(
      JSON.stringify({ image: `oci:${image.layout}:latest`, manifestDigest: image.manifestDigest }) + "\n",
    );
    return;
  }
  const quiet = config.quiet;
  const host = config.options.host ?? "127.0.0.1";
  if (!bindsLoopbackOnly(host)) {
    process.stderr.write(
      `emulator: warning: --host ${host} makes the API reachable from the network; ` +
        (config.options.adminToken === undefined
          ? "the admin routes (/_emulator/*) still answer loopback clients only (set --admin-token to allow others)\n"
          : "the admin routes (/_emulator/*) need the --admin-token\n"),
    );
  }
  // The signal handlers come first: a stop during start-up (registry servers starting) waits for the start to
  // finish and then closes everything, so no child process or temporary folder outlives the emulator.
  let stopping = false;
  let starting: Promise<RunningEmulator | undefined> = Promise.resolve(undefined);
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (!quiet) process.stderr.write(`emulator: ${signal}, stopping\n`);
    starting
      .then((emulator) => emulator?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`emulator: error while stopping: ${String(err)}\n`);
          process.exit(1);
        },
      );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  starting = startEmulator({
    ...config.options,
    ...(quiet
      ? {}
      : {
          onRequest: (entry: RequestLogEntry) => process.stderr.write(logLine(entry)),
          onAuthDecision: (decision: AuthDecision) => process.stderr.write(authLine(decision)),
        }),
  });
  const emulator = await starting;
  if (stopping || emulator === undefined) return;
  process.stdout.write(JSON.stringify({ url: emulator.url, registries: emulator.registries }) + "\n");
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`emulator: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
