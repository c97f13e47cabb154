/**
 * Who did something, for `metadata.createdBy*` / `lastModifiedBy*`. The user id is derived from the name
 * so that the same caller always gets the same id, across restarts too.
 */
import { createHash } from "node:crypto";
import type { Actor } from "./records";

/** The actor recorded for Bearer-token callers (a JWT carries no name the emulator checks). */
export const TOKEN_USER_EMAIL = "api-user@emulator.local";

/** The actor recorded for registries seeded at start-up. */
export const SEED_EMAIL = "seed@emulator.local";

/** The actor recorded for out-of-band (admin) changes. */
export const ADMIN_EMAIL = "admin@emulator.local";

/** The {@link Actor} for `email`, with a stable uuid-shaped user id. */
export function actorFor(email: string): Actor {
  const hex = createHash("sha256").update(email).digest("hex");
  // Shape the hash like a version-5 uuid so that clients expecting a uuid are satisfied.
  const userId = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    "5" + hex.slice(13, 16),
    ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20),
    hex.slice(20, 32),
  ].join("-");
  return { email, userId };
}
