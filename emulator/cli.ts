#!/usr/bin/env node
/**
 * The emulator's command line: `npm run emulator -- [flags]` (see `cliArgs.ts` or `--help`).
 *
 * When ready it prints exactly one JSON line on stdout, `{"url": …, "registries": [{"id", "name"}]}`,
 * so scripts can read the URL; request logs and errors go to stderr. SIGINT and SIGTERM stop it cleanly
 * (exit 0). Exit 2 means bad flags, 1 a start-up failure.
 */
import { parseCli, usage } from "./cliArgs";
import { startEmulator } from "./index";
import type { RequestLogEntry } from "./log/requestLog";

function logLine(entry: RequestLogEntry): string {
  const fault = entry.fault === undefined ? "" : ` fault=${entry.fault}`;
  return `${entry.at} ${entry.method} ${entry.path} ${entry.status} ${entry.operation} ${entry.durationMs}ms${fault}\n`;
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
  const quiet = config.quiet;
  const emulator = await startEmulator({
    ...config.options,
    ...(quiet ? {} : { onRequest: (entry: RequestLogEntry) => process.stderr.write(logLine(entry)) }),
  });
  process.stdout.write(JSON.stringify({ url: emulator.url, registries: emulator.registries }) + "\n");
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (!quiet) process.stderr.write(`emulator: ${signal}, stopping\n`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`emulator: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`emulator: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
