/** The API writes an emulator served, as the suites compare them: `METHOD status`, in order. */
import type { RunningEmulator } from "../../emulator";

/** Every request but GETs since the emulator's log was last cleared, as `METHOD status` (e.g. `POST 201`). */
export function apiWrites(emulator: RunningEmulator): string[] {
  return emulator
    .requests()
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.status}`);
}
