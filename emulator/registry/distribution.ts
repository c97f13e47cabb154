/**
 * One Docker Distribution process serving one emulated registry on a loopback port, with token auth against
 * the emulator's token endpoint. Its `service` is its own address, so bearer tokens issued for another
 * registry (another audience) are refused by this one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TOKEN_ISSUER } from "./tokenServer";

/** Where and how to run one registry. */
export interface DistributionSettings {
  binary: string;
  /** Folder for the config file. */
  workDir: string;
  /** The image storage folder. */
  storageDir: string;
  /** PEM file with the token signer's certificate. */
  certificateFile: string;
  /** The token endpoint's URL. */
  realm: string;
  /** Told when the process ends without {@link RunningDistribution.stop} (it crashed or was killed). */
  onUnexpectedExit?: (detail: string) => void;
}

/** A running registry server. */
export interface RunningDistribution {
  /** `127.0.0.1:PORT`: the registry's hostname for clients and the bearer tokens' audience. */
  address: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3;

/**
 * Starts Distribution and waits until it answers `/v2/`.
 * @throws Error with the end of its output when it exits or does not answer in time
 */
export async function startDistribution(settings: DistributionSettings): Promise<RunningDistribution> {
  let lastError: Error | undefined;
  // A free port is found by binding and releasing it; another process may take it in between, so retry.
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    try {
      return await startOnce(settings, await freeLoopbackPort());
    } catch (err) {
      lastError = err as Error;
      if (!/address already in use/.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error("registry server did not start");
}

async function startOnce(settings: DistributionSettings, port: number): Promise<RunningDistribution> {
  const address = `127.0.0.1:${port}`;
  fs.mkdirSync(settings.workDir, { recursive: true });
  fs.mkdirSync(settings.storageDir, { recursive: true });
  const configFile = path.join(settings.workDir, "config.yml");
  // YAML is a superset of JSON, so no YAML library is needed for Distribution's config.
  fs.writeFileSync(configFile, JSON.stringify(configFor(settings, address), null, 2), { mode: 0o600 });
  const child = spawn(settings.binary, ["serve", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: withoutRegistryOverrides(process.env),
  });
  const output = new OutputTail();
  child.stdout?.on("data", (chunk: Buffer) => output.add(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.add(chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(address)) || exitedEarly) {
    if (exitedEarly || Date.now() > deadline) {
      child.kill("SIGKILL");
      const why = exitedEarly ? "exited" : `did not answer within ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(`registry server (${settings.binary}) ${why}: ${output.text() || "(no output)"}`);
    }
    await sleep(50);
  }
  const stop = stopper(child, exited);
  let stopping = false;
  void exited.then((code) => {
    if (!stopping)
      settings.onUnexpectedExit?.(`exited (${code ?? child.signalCode}): ${output.text() || "(no output)"}`);
  });
  return {
    address,
    stop: () => {
      stopping = true;
      return stop();
    },
  };
}

function configFor(settings: DistributionSettings, address: string): unknown {
  return {
    version: "0.1",
    log: { level: "error", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: settings.storageDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: address, secret: randomBytes(16).toString("hex") },
    auth: {
      token: {
        realm: settings.realm,
        service: address,
        issuer: TOKEN_ISSUER,
        rootcertbundle: settings.certificateFile,
      },
    },
  };
}

/** Distribution lets `REGISTRY_*` variables override its config; none of the user's may leak in. */
function withoutRegistryOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("REGISTRY_")));
}

/**
 * True when a registry configured for `address` answers there: its challenge names that address as the
 * service, so another server that took the port in between is never mistaken for it.
 */
async function answers(address: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return (
      response.status === 401 &&
      (response.headers.get("www-authenticate") ?? "").includes(`service="${address}"`)
    );
  } catch {
    return false;
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess, exited: Promise<number | null>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
}

/** The last few kilobytes a process wrote, for error messages. */
class OutputTail {
  private chunks: string[] = [];
  add(chunk: Buffer): void {
    this.chunks.push(chunk.toString("utf8"));
    const joined = this.chunks.join("");
    this.chunks = [joined.slice(-4_000)];
  }
  text(): string {
    return this.chunks.join("").trim();
  }
}
