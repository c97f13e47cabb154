/**
 * Mocha fixture for the emulator tests: a fresh emulator per test on an ephemeral loopback port, with a
 * controllable clock and two seeded registries, closed after the test.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { EmulatorApi } from "./emulatorClient";
import { setCurrentTest } from "./emulatorRecorder";

/** A clock the test moves by hand; the emulator reads it through {@link TestClock.fn}. */
export class TestClock {
  private current: number;

  /** @param start - the initial time (ISO text) */
  constructor(start = "2030-01-01T00:00:00Z") {
    this.current = Date.parse(start);
  }

  /** The function to pass as `clock`. */
  readonly fn = (): Date => new Date(this.current);

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Epoch ms now. */
  get nowMs(): number {
    return this.current;
  }

  /** An ISO date `ms` after now (whole seconds, `Z`). */
  isoIn(ms: number): string {
    return new Date(this.current + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
}

/** What a test gets from {@link useEmulator}. */
export interface EmulatorFixture {
  emu: RunningEmulator;
  api: EmulatorApi;
  clock: TestClock;
  /** The first seeded registry ("registry-one"). */
  registryId: string;
  /** The second seeded registry ("registry-two"). */
  otherRegistryId: string;
}

/**
 * Registers beforeEach/afterEach hooks that start and stop an emulator; the returned object is filled
 * in before each test.
 * @param extra - options merged over the defaults (may depend on the fresh clock)
 */
export function useEmulator(extra: (clock: TestClock) => EmulatorOptions = () => ({})): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeEach(async function () {
    setCurrentTest(this.currentTest?.fullTitle() ?? "(unknown test)");
    fixture.clock = new TestClock();
    fixture.emu = await startEmulator({
      clock: fixture.clock.fn,
      registries: [{ name: "registry-one" }, { name: "registry-two", location: "de/txl" }],
      ...extra(fixture.clock),
    });
    fixture.api = new EmulatorApi(fixture.emu.url);
    fixture.registryId = fixture.emu.registries[0]?.id ?? "";
    fixture.otherRegistryId = fixture.emu.registries[1]?.id ?? "";
  });
  afterEach(async () => {
    await fixture.emu?.close();
  });
  return fixture;
}

/** Everything the emulator stores, via the admin API, for "nothing changed" assertions. */
export function stateOf(emu: RunningEmulator): unknown {
  return emu.admin.listRegistries().map((r) => ({ registry: r, tokens: emu.admin.listTokens(r.id) }));
}
