/**
 * The plugin ends when the engine that started it is gone. A `pulumi` killed with SIGKILL cannot tell its
 * plugins to stop, and the gRPC server alone keeps this process alive forever, holding its in-memory state and
 * the API credentials from Configure. Go providers notice through a periodic health check of the engine
 * (minutes apart); this watch notices within about a second, in two ways, either of which is enough:
 *
 * - the parent: the engine starts the plugin itself (the release's launcher `exec`s node), so when the engine
 *   dies the plugin is re-parented (its parent pid changes), or its parent no longer exists;
 * - the engine's gRPC address, the plugin's last argument: a channel to it that was once connected and can no
 *   longer connect means the engine's server is gone. This covers launchers that stay in between (Windows'
 *   `.cmd`), where the parent outlives the engine. An address that never answered (a test harness passing a
 *   dummy one) proves nothing and is ignored.
 */
import type * as Grpc from "@grpc/grpc-js";
import { processExists } from "../lifecycle/processes";
import { sdkRequire } from "../lifecycle/sdkModules";

/** How often the parent and the engine's channel are checked. */
export const ENGINE_WATCH_INTERVAL_MS = 1_000;

/**
 * Checks in a row without a connection (one of them refused) after which a once-connected engine counts as
 * gone: one refused reconnect could be a moment's hiccup of a live engine, and exiting then would itself
 * leave a create unfinished.
 */
const LOST_AFTER_FAILURES = 3;

/** Checks after which an engine address that never connected is given up (the engine listens before it starts us). */
const NEVER_CONNECTED_CHECKS = 10;

/** Only an address the engine itself could have given: `host:port`. */
const ADDRESS = /^[\w.-]+:\d{1,5}$/;

/** Options of {@link watchEngine}. */
export interface EngineWatchOptions {
  /** Called once, with the reason, when the engine is found gone. */
  onGone: (reason: string) => void;
  /** The engine's gRPC address; by default the process's last argument, where the engine puts it. */
  engineAddress?: string;
  /** Milliseconds between checks. */
  intervalMs?: number;
}

/**
 * Watches for the engine's end and calls `onGone` once when it comes. Returns a function that stops watching.
 * The watch never keeps the process alive by itself.
 */
export function watchEngine(options: EngineWatchOptions): () => void {
  const parent = process.ppid;
  const address = options.engineAddress ?? process.argv[process.argv.length - 1];
  const channel = ADDRESS.test(address ?? "") ? engineChannel(address as string) : undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    channel?.close();
  };
  const check = () => {
    if (stopped) return;
    const reason =
      process.ppid !== parent
        ? `its parent process (pid ${parent}) exited`
        : !processExists(parent)
          ? `its parent process (pid ${parent}) no longer exists`
          : channel?.lost()
            ? `the engine at ${address} no longer accepts connections`
            : undefined;
    if (reason === undefined) return;
    stop();
    options.onGone(reason);
  };
  const timer = setInterval(check, options.intervalMs ?? ENGINE_WATCH_INTERVAL_MS);
  timer.unref();
  return stop;
}

/** A channel to the engine that reports whether a connection it once had can no longer be made. */
interface EngineChannel {
  lost(): boolean;
  close(): void;
}

function engineChannel(address: string): EngineChannel | undefined {
  let grpc: typeof Grpc;
  try {
    grpc = sdkRequire<typeof Grpc>("@grpc/grpc-js");
  } catch {
    return undefined;
  }
  const { READY, TRANSIENT_FAILURE } = grpc.connectivityState;
  // No RPC is ever made: the channel only connects (HTTP/2), which the engine's server accepts and ignores.
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const channel = client.getChannel();
  let wasConnected = false;
  let checks = 0;
  let notReadyInARow = 0;
  let refusedSinceReady = false;
  let closed = false;
  const close = () => {
    if (!closed) client.close();
    closed = true;
  };
  return {
    lost() {
      if (closed) return false;
      // `true` asks an idle channel (after the connection dropped) to connect again.
      const state = channel.getConnectivityState(true);
      if (state === READY) wasConnected = true;
      // An address that never answered in its first checks is no engine's (a harness's placeholder): stop
      // dialling it.
      if (!wasConnected && ++checks >= NEVER_CONNECTED_CHECKS) close();
      if (!wasConnected) return false;
      // Reconnecting passes through CONNECTING and IDLE too: count every check since the last READY, and
      // require that a connection was refused among them.
      notReadyInARow = state === READY ? 0 : notReadyInARow + 1;
      refusedSinceReady = state === READY ? false : refusedSinceReady || state === TRANSIENT_FAILURE;
      return refusedSinceReady && notReadyInARow >= LOST_AFTER_FAILURES;
    },
    close,
  };
}
