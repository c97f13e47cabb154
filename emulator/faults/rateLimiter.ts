/**
 * A token bucket for the rate-limit fault. It runs on a monotonic clock in milliseconds (real time by
 * default): the emulator's injected clock is for token expiry and may stand still in tests.
 */

/** The outcome of one {@link TokenBucket.take}: allowed, or refused with the seconds to wait. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Refills `ratePerSecond` tokens per second up to `capacity`; each request takes one. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSecond - refill rate (positive)
   * @param capacity - bucket size, also the initial fill
   * @param now - monotonic milliseconds
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes a token if one is available; otherwise says how long (whole seconds, at least 1) to wait. */
  take(): TakeResult {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    const waitSeconds = (1 - this.tokens) / this.ratePerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}
