/**
 * Keeps V8's young generation at its starting size in the plugin's process (applied by `plugin/main.ts` at
 * start-up; never in Pulumi's dynamic-provider host, which is the user's and serves every dynamic provider of
 * their program, so a library must not change its V8 flags). Under the steady allocation of thousands of gRPC calls, V8 doubles the young
 * generation's semi-spaces again and again; the bench measured that growth as the largest part of the
 * process's peak resident memory (the plugin's peak at N = 1000 fell from 254 to 154 MiB with it held; wall time
 * stays within the bench's budget, CPU pays for more frequent young-generation collections), while the heap that survives a full collection stays flat. See docs/performance.md.
 */
import { setFlagsFromString } from "v8";

/** The V8 setting applied: semi-spaces grow by a factor of 1, i.e. not at all. */
export const YOUNG_GENERATION_FLAG = "--semi-space-growth-factor=1";

/** Flags by which a user sizes the young generation themselves; then theirs is kept. */
const USER_SIZING = /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/**
 * Applies {@link YOUNG_GENERATION_FLAG} unless the process was started with a young-generation size of its
 * own (`node --max-semi-space-size=…`, or the same in `NODE_OPTIONS`). V8 reads this flag whenever it decides
 * to grow, so setting it after start-up takes effect (unlike the size limits, fixed when the heap is made).
 * @returns whether the flag was applied
 */
export function limitYoungGenerationGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  if ([...execArgv, nodeOptions ?? ""].some((arg) => USER_SIZING.test(arg))) return false;
  setFlagsFromString(YOUNG_GENERATION_FLAG);
  return true;
}
