/**
 * A loopback HTTP proxy in front of the emulator that can hold back answers: the emulator handles a request
 * (a write is applied) at once, and the proxy sends its answer only after a delay — past the client's timeout,
 * that is the "slow answer" a real API gives under load, and the client cannot tell whether the write
 * happened. (The emulator's own `delay` fault waits before acting, and drops the request when the client
 * hangs up meanwhile.) Everything else is passed through as is, including a connection the emulator resets.
 */
import { startForwardingProxy } from "./forwardingProxy";

/** Which answers to hold back. */
export interface SlowAnswerRule {
  /** HTTP method of the request. */
  method: string;
  /** Path prefix of the request (without query). */
  pathPrefix: string;
  /** How long to hold the answer back. */
  delayMs: number;
  /** Hold back only this many answers. @default unlimited */
  times?: number;
}

/** A running proxy. */
export interface SlowAnswerProxy {
  /** The proxy's URL with the emulator's path, e.g. `http://127.0.0.1:PORT/containerregistries`. */
  url: string;
  /** Replaces the rules (and their counters). */
  setRules(rules: SlowAnswerRule[]): void;
  /**
   * Requests whose method and path start as given are never forwarded from now on (until replaced): they
   * never reach the emulator. Each one's arrival is counted by {@link SlowAnswerProxy.swallowed} (from 0 again).
   */
  setSwallowed(rules: Array<{ method: string; pathPrefix: string }>): void;
  /** How many requests were swallowed. */
  swallowed(): number;
  /** How many answers were held back for requests under `pathPrefix`. */
  fired(pathPrefix: string): number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 that forwards to `targetUrl` (the emulator's `url`). */
export async function startSlowAnswerProxy(targetUrl: string): Promise<SlowAnswerProxy> {
  let rules: Array<SlowAnswerRule & { fired: number }> = [];
  // Answers still held at close are dropped: their timers must not keep the test process alive.
  const held = new Set<NodeJS.Timeout>();
  let swallow: Array<{ method: string; pathPrefix: string }> = [];
  let swallowed = 0;
  const proxy = await startForwardingProxy(
    targetUrl,
    (answer) => {
      const rule = rules.find(
        (r) =>
          r.method === answer.method &&
          answer.url.startsWith(r.pathPrefix) &&
          (r.times === undefined || r.fired < r.times),
      );
      if (rule === undefined) return answer.send();
      rule.fired++;
      const timer = setTimeout(() => {
        held.delete(timer);
        answer.send();
      }, rule.delayMs);
      held.add(timer);
    },
    (method, url) => {
      const drop = swallow.some((r) => r.method === method && url.startsWith(r.pathPrefix));
      if (drop) swallowed++;
      return !drop;
    },
  );
  return {
    url: proxy.url,
    setRules(next) {
      rules = next.map((r) => ({ ...r, fired: 0 }));
    },
    setSwallowed(next) {
      swallow = next;
      swallowed = 0;
    },
    swallowed: () => swallowed,
    fired(pathPrefix) {
      return rules.filter((r) => r.pathPrefix.startsWith(pathPrefix)).reduce((n, r) => n + r.fired, 0);
    },
    close() {
      for (const timer of held) clearTimeout(timer);
      held.clear();
      return proxy.close();
    },
  };
}
