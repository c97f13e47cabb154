/**
 * Authentication of API requests: `Authorization: Basic base64(user:password)` or `Bearer <token>`,
 * exactly one scheme per request, as every IONOS client sends. With no accepted credentials configured,
 * any well-formed non-empty credentials pass; otherwise they must equal a configured pair or token.
 * Failures never echo what was sent.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { unauthorized } from "../errors";
import { actorFor, TOKEN_USER_EMAIL } from "../model/actor";
import type { Actor } from "../model/records";

/** Accepted credentials; when neither a token nor a username is set, any non-empty credentials pass. */
export interface AcceptedCredentials {
  /** Accepted Bearer token. */
  token?: string;
  /** Accepted Basic username (with {@link AcceptedCredentials.password}). */
  username?: string;
  /** Accepted Basic password. */
  password?: string;
}

/**
 * Checks the `Authorization` header and returns the caller for `metadata.createdBy`.
 * @throws ApiProblem 401 when the header is missing, malformed, of another scheme, or not accepted
 */
export function authenticate(header: string | undefined, accepted: AcceptedCredentials): Actor {
  if (header === undefined || header.trim() === "") throw unauthorized("missing Authorization header");
  const match = /^(\S+) +(\S.*)$/.exec(header.trim());
  if (match === null) throw unauthorized("malformed Authorization header");
  const scheme = (match[1] as string).toLowerCase();
  const value = (match[2] as string).trim();
  if (scheme === "basic") return basic(value, accepted);
  if (scheme === "bearer") return bearer(value, accepted);
  throw unauthorized("unsupported Authorization scheme; use Basic or Bearer");
}

function isOpen(accepted: AcceptedCredentials): boolean {
  return accepted.token === undefined && accepted.username === undefined;
}

/**
 * The username and password in a Basic credentials value (what follows `Basic `).
 * @returns undefined when it is not base64, or lacks a username or a password
 */
export function decodeBasic(encoded: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function basic(encoded: string, accepted: AcceptedCredentials): Actor {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw unauthorized("malformed Basic credentials");
  const credentials = decodeBasic(encoded);
  if (credentials === undefined) throw unauthorized("Basic credentials need a username and password");
  const { username, password } = credentials;
  const ok =
    isOpen(accepted) ||
    (accepted.username !== undefined &&
      sameSecret(username, accepted.username) &&
      sameSecret(password, accepted.password ?? ""));
  if (!ok) throw unauthorized("invalid credentials");
  return actorFor(username);
}

function bearer(token: string, accepted: AcceptedCredentials): Actor {
  const ok = isOpen(accepted) || (accepted.token !== undefined && sameSecret(token, accepted.token));
  if (!ok) throw unauthorized("invalid credentials");
  return actorFor(TOKEN_USER_EMAIL);
}

/** Constant-time comparison (of digests, so lengths do not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
