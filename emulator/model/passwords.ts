/**
 * How the emulator remembers a token's password without keeping it: a SHA-256 digest, compared in constant
 * time. A plain digest suffices because every password is 32 random bytes made here (no dictionary to try);
 * a slow KDF would only slow down benchmarks that create thousands of tokens.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The digest stored as `TokenRecord.passwordDigest`. */
export function digestPassword(password: string): string {
  return createHash("sha256").update(password, "utf8").digest("base64url");
}

/** True when `password` has the digest `stored`; false for a token without one. */
export function passwordMatches(password: string, stored: string | undefined): boolean {
  if (stored === undefined) return false;
  const given = Buffer.from(digestPassword(password));
  const expected = Buffer.from(stored);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
