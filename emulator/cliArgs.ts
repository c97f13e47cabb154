/**
 * Command-line flags to {@link EmulatorOptions}. Each flag is declared once, with its help text, in
 * {@link CLI_FLAGS}, so the parser and `--help` cannot drift apart. Pure: no I/O besides reading a
 * `--faults @file`.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { parseFaultOptions } from "./faults/parse";
import type { FaultOptions } from "./faults/types";
import type { EmulatorOptions } from "./options";

/** Every flag: its parseArgs type, whether it repeats, and help text. */
export const CLI_FLAGS = {
  port: { type: "string", help: "port to bind; 0 picks a free one (default 0)" },
  host: { type: "string", help: "interface to bind (default 127.0.0.1)" },
  registry: {
    type: "string",
    multiple: true,
    help: "registry to create or reuse; repeatable (default: demo)",
  },
  location: { type: "string", help: "location of the --registry registries (default de/fra)" },
  token: { type: "string", help: "accepted Bearer token" },
  username: { type: "string", help: "accepted Basic username (with --password)" },
  password: { type: "string", help: "accepted Basic password (with --username)" },
  data: { type: "string", help: "persist state to this JSON file (atomic writes)" },
  "latency-ms": { type: "string", help: "fixed latency added to every request" },
  "jitter-ms": { type: "string", help: "random extra latency, 0 to N ms" },
  "rate-limit": { type: "string", help: "requests per second before 429 + Retry-After" },
  faults: { type: "string", help: "fault plan as JSON, or @file with JSON (see docs/emulator.md)" },
  seed: { type: "string", help: "seed for jitter and rate-based faults (default 1)" },
  "max-body-bytes": { type: "string", help: "largest request body (default 1048576)" },
  "serve-registry": {
    type: "boolean",
    help: "serve each registry as a real registry (Docker Distribution) on a loopback port; see docs/emulator.md",
  },
  "registry-binary": {
    type: "string",
    help: "the Distribution binary (default: docker-registry or registry on PATH)",
  },
  "admin-token": {
    type: "string",
    help: "require this Bearer token on /_emulator/* (default: none, and only loopback clients may use them)",
  },
  quiet: { type: "boolean", help: "do not log requests and registry logins on stderr" },
  "write-image": {
    type: "string",
    help: "write a small OCI image layout (tag latest) into this folder, print its reference, and exit",
  },
  help: { type: "boolean", help: "show this help" },
} as const;

/** The parsed command line. */
export interface CliConfig {
  options: EmulatorOptions;
  quiet: boolean;
  help: boolean;
  /** `--write-image`: the folder to write the demo image into instead of serving. */
  writeImage?: string;
}

/** The `--help` text. */
export function usage(): string {
  const lines = Object.entries(CLI_FLAGS).map(([name, flag]) => `  --${name.padEnd(16)} ${flag.help}`);
  return [
    "usage: ionos-registry-emulator [flags]   (the installed package's command; in this repository: npm run emulator -- [flags])",
    "",
    ...lines,
    "",
  ].join("\n");
}

/**
 * Parses `argv` (without node and script).
 * @throws Error with a message for the user on unknown flags or bad values
 */
export function parseCli(argv: readonly string[]): CliConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: CLI_FLAGS,
    strict: true,
    allowPositionals: false,
  });
  if ((values.username === undefined) !== (values.password === undefined)) {
    throw new Error("--username and --password must be given together");
  }
  const options: EmulatorOptions = {
    host: values.host ?? "127.0.0.1",
    port: integer(values.port, "--port") ?? 0,
    registries: (values.registry ?? ["demo"]).map((name) => ({
      name,
      ...(values.location === undefined ? {} : { location: values.location }),
    })),
    faults: faultsFrom(values),
  };
  const credentials = { token: values.token, username: values.username, password: values.password };
  if (Object.values(credentials).some((v) => v !== undefined)) options.credentials = credentials;
  if (values.data !== undefined) options.dataFile = values.data;
  if (values["registry-binary"] !== undefined && values["serve-registry"] !== true)
    throw new Error("--registry-binary needs --serve-registry");
  if (values["serve-registry"] === true)
    options.serveRegistry =
      values["registry-binary"] === undefined ? true : { binary: values["registry-binary"] };
  if (values["admin-token"] !== undefined) {
    if (values["admin-token"] === "" || /\s/.test(values["admin-token"]))
      throw new Error("--admin-token must be non-empty, without whitespace (it is sent as a Bearer token)");
    options.adminToken = values["admin-token"];
  }
  const maxBody = integer(values["max-body-bytes"], "--max-body-bytes");
  if (maxBody !== undefined) options.maxBodyBytes = maxBody;
  return {
    options,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    ...(values["write-image"] === undefined ? {} : { writeImage: values["write-image"] }),
  };
}

function faultsFrom(values: Record<string, string | boolean | string[] | undefined>): FaultOptions {
  const text = values.faults as string | undefined;
  let base: Record<string, unknown> = {};
  if (text !== undefined) {
    const json = text.startsWith("@") ? fs.readFileSync(text.slice(1), "utf8") : text;
    try {
      base = JSON.parse(json) as Record<string, unknown>;
    } catch {
      throw new Error("--faults is not valid JSON");
    }
  }
  const latency = number(values["latency-ms"] as string | undefined, "--latency-ms");
  const jitter = number(values["jitter-ms"] as string | undefined, "--jitter-ms");
  if (latency !== undefined || jitter !== undefined)
    base.latency = { fixedMs: latency ?? 0, jitterMs: jitter ?? 0 };
  const rate = number(values["rate-limit"] as string | undefined, "--rate-limit");
  if (rate !== undefined) base.rateLimit = { requestsPerSecond: rate };
  const seed = integer(values.seed as string | undefined, "--seed");
  if (seed !== undefined) base.seed = seed;
  try {
    return parseFaultOptions(base);
  } catch (err) {
    throw new Error(`invalid fault plan: ${(err as Error).message}`);
  }
}

function number(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0)
    throw new Error(`${flag} needs a non-negative number`);
  return value;
}

function integer(raw: string | undefined, flag: string): number | undefined {
  const value = number(raw, flag);
  if (value !== undefined && !Number.isInteger(value)) throw new Error(`${flag} needs an integer`);
  return value;
}
