import { expect } from "chai";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  nextDelay,
  parseRetryAfter,
} from "../../provider/client/retry";

describe("retry.ts", () => {
  it("retries idempotent methods on network errors, 429, 502, 503, 504 only", () => {
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      expect(isRetryable(method, { kind: "network", sent: true })).to.equal(true);
      for (const status of [429, 502, 503, 504])
        expect(isRetryable(method, { kind: "response", status })).to.equal(true);
      for (const status of [400, 401, 404, 409, 500])
        expect(isRetryable(method, { kind: "response", status })).to.equal(false);
    }
  });
  it("never retries a permanent network failure (a rejected TLS certificate)", () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      expect(isRetryable(method, { kind: "network", sent: false, permanent: true })).to.equal(false);
    }
  });
  it("retries POST only on 429 and when the request was never sent", () => {
    expect(isRetryable("POST", { kind: "response", status: 429 })).to.equal(true);
    expect(isRetryable("POST", { kind: "network", sent: false })).to.equal(true);
    expect(isRetryable("POST", { kind: "network", sent: true })).to.equal(false);
    for (const status of [500, 502, 503, 504])
      expect(isRetryable("POST", { kind: "response", status })).to.equal(false);
  });
  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).to.equal(3000);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:05 GMT", now)).to.equal(5000);
    expect(parseRetryAfter("Tue, 31 Dec 2029 00:00:05 GMT", now)).to.equal(0);
    expect(parseRetryAfter(null, now)).to.equal(undefined);
    expect(parseRetryAfter("soon", now)).to.equal(undefined);
    expect(parseRetryAfter("-1", now)).to.equal(undefined);
  });
  it("uses full jitter under an exponential cap", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, policy, () => 0.999)).to.equal(99);
    expect(backoffDelay(3, policy, () => 0.5)).to.equal(400);
    expect(backoffDelay(10, policy, () => 0.999)).to.equal(999);
    expect(backoffDelay(2, policy, () => 0)).to.equal(0);
  });
  it("stops at the attempt limit and within the time budget, honouring Retry-After", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, maxElapsedMs: 5000 };
    expect(nextDelay(0, 0, 2000, policy, Math.random)).to.equal(2000);
    expect(nextDelay(1, 0, undefined, policy, () => 0)).to.equal(0);
    expect(nextDelay(2, 0, undefined, policy, () => 0)).to.equal(undefined);
    expect(nextDelay(0, 4000, 2000, policy, Math.random)).to.equal(undefined);
  });
});
