/**
 * Preloaded through `NODE_OPTIONS=--require …/cpuProfile.js` into every Node.js process a `pulumi` command
 * starts (the program, Pulumi's dynamic-provider host, a plugin run by node), where `--cpu-prof` is not allowed:
 * with `BENCH_CPU_PROFILE_DIR` set, it runs V8's sampling profiler through the inspector and writes what
 * it sampled every {@link FLUSH_MS} and at exit, as `<pid>-<n>.cpuprofile` beside `<pid>.json` (the process's
 * argv). The engine may kill a provider without letting it exit, so the profile is written as it goes: at most
 * the last second, the idle wait for the kill, is lost.
 */
import { writeFileSync } from "fs";
import { Session } from "inspector";
import * as path from "path";

/** The variable naming the folder; the probe does nothing without it. */
export const PROFILE_DIR_VARIABLE = "BENCH_CPU_PROFILE_DIR";
/** How often the samples so far are written. */
export const FLUSH_MS = 1000;
/** Sampling interval, µs (V8's default is 1000). */
const SAMPLING_INTERVAL_US = 1000;

const dir = process.env[PROFILE_DIR_VARIABLE];
if (dir && require.main !== module) startProfiling(dir);

function startProfiling(folder: string): void {
  const session = new Session();
  session.connect();
  let chunk = 0;
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  writeFileSync(path.join(folder, `${process.pid}.json`), JSON.stringify({ argv: process.argv }));
  const start = () =>
    post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US }).then(() =>
      post("Profiler.start"),
    );
  let started = post("Profiler.enable").then(start);
  const flush = async (restart: boolean) => {
    await started;
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    writeFileSync(path.join(folder, `${process.pid}-${chunk++}.cpuprofile`), JSON.stringify(profile));
    if (restart) started = start();
  };
  // Unref'd: the probe must never keep a process alive that would otherwise exit.
  setInterval(() => void flush(true).catch(() => undefined), FLUSH_MS).unref();
  process.on("exit", () => {
    // Synchronous at exit: the inspector session answers `post` synchronously on the main thread.
    session.post("Profiler.stop", (error, result) => {
      if (!error)
        writeFileSync(
          path.join(folder, `${process.pid}-${chunk++}.cpuprofile`),
          JSON.stringify((result as { profile: unknown }).profile),
        );
    });
  });
}
