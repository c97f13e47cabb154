/**
 * The registry token endpoint (Docker Registry v2 token authentication): a client that Distribution turned
 * away with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` comes here with the token's username and
 * password as Basic credentials, and leaves with a signed bearer token granting what the token's scopes
 * allow. `service` names the registry (its address), so a token only ever opens its own registry.
 *
 * Every decision is reported to `onDecision`: who asked, for what, and what was granted or why nothing was.
 * Passwords never appear in decisions or responses.
 */
import { randomUUID } from "node:crypto";
import { decodeBasic } from "../http/auth";
import { passwordMatches } from "../model/passwords";
import type { TokenRecord } from "../model/records";
import { signJwt, type AccessClaim } from "./jwt";
import { grantAccess, parseRequestedScopes } from "./scopes";
import type { SigningKey } from "./signingKey";

/** The path of the token endpoint on the emulator's HTTP server. */
export const TOKEN_PATH = "/registry-auth/token";

/** The `iss` of every bearer token, which each Distribution process is configured to trust. */
export const TOKEN_ISSUER = "ionos-registry-emulator";

/** How long an issued bearer token is valid, in seconds. Clients ask again for each new session. */
export const BEARER_LIFETIME_SECONDS = 300;

/** One decision of the token endpoint, as logged. */
export interface AuthDecision {
  /** ISO time of the request. */
  at: string;
  /** The `service` asked for (a registry address). */
  service: string;
  /** The registry it names, when it names one. */
  registry?: { id: string; name: string };
  /** The Basic username sent, or undefined without credentials. */
  username?: string;
  /** The scopes asked for, as sent (`repository:app:pull,push`). */
  requested: string[];
  /** The granted scopes with at least one action (`repository:app:pull`); empty when denied. */
  granted: string[];
  /** `issued` (200, possibly granting less than asked) or `denied` (401/400). */
  outcome: "issued" | "denied";
  /** Why it was denied. */
  reason?: string;
}

/** What the token endpoint consults. */
export interface TokenServerDeps {
  /** Signs the bearer tokens. */
  key: SigningKey;
  /** The registry served at address `service`, if any. */
  registryAt(service: string): { id: string; name: string } | undefined;
  /** The live (unexpired) token named `username` in the registry, if any. */
  findToken(registryId: string, username: string): TokenRecord | undefined;
  /** Told about every decision. */
  onDecision(decision: AuthDecision): void;
}

/** A response to send. */
export interface TokenResponse {
  /** 200, 400, 401 or 405. */
  status: number;
  /** Extra headers (`WWW-Authenticate` with a 401, `Allow` with a 405). */
  headers: Record<string, string>;
  /** The JSON body: the token, or `{errors: [{code, message}]}`. */
  body: unknown;
}

/** Answers one request to {@link TOKEN_PATH}. Never throws for bad input. */
export function answerTokenRequest(
  deps: TokenServerDeps,
  method: string,
  query: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const service = query.get("service") ?? "";
  const scopeValues = query.getAll("scope");
  const decision: AuthDecision = {
    at: new Date().toISOString(),
    service,
    requested: scopeValues.flatMap((v) => v.split(" ").filter((s) => s !== "")),
    granted: [],
    outcome: "denied",
  };
  const deny = (status: number, code: string, reason: string): TokenResponse => {
    decision.reason = reason;
    deps.onDecision(decision);
    const headers: Record<string, string> =
      status === 401 ? { "WWW-Authenticate": `Basic realm="${TOKEN_ISSUER}"` } : {};
    return { status, headers, body: { errors: [{ code, message: reason }] } };
  };
  if (method !== "GET") {
    // containerd tries an OAuth POST first and falls back to GET on 405, as the Docker token spec allows.
    return {
      status: 405,
      headers: { Allow: "GET" },
      body: { errors: [{ code: "UNSUPPORTED", message: "use GET" }] },
    };
  }
  const credentials = basicCredentials(authorization);
  if (credentials !== undefined) decision.username = credentials.username;
  const registry = deps.registryAt(service);
  if (registry === undefined)
    return deny(400, "UNSUPPORTED", `no registry is served at service '${service}'`);
  decision.registry = registry;
  if (credentials === undefined) return deny(401, "UNAUTHORIZED", "no Basic credentials");
  const token = deps.findToken(registry.id, credentials.username);
  if (token === undefined)
    return deny(401, "UNAUTHORIZED", "no such token in this registry (unknown, deleted or expired)");
  if (!passwordMatches(credentials.password, token.passwordDigest))
    return deny(
      401,
      "UNAUTHORIZED",
      token.passwordDigest === undefined
        ? "token made by an emulator that kept no password digest"
        : "wrong password",
    );
  if (token.status !== "enabled") return deny(401, "UNAUTHORIZED", "token is disabled");

  const access = grantAccess(token.scopes, parseRequestedScopes(scopeValues));
  decision.outcome = "issued";
  decision.granted = access.filter((a) => a.actions.length > 0).map(describe);
  deps.onDecision(decision);
  const now = Math.floor(Date.now() / 1000);
  const bearer = signJwt(
    {
      iss: TOKEN_ISSUER,
      sub: token.name,
      aud: service,
      // Distribution checks these against the real clock, whatever clock the emulator's API runs on.
      iat: now,
      nbf: now - 10,
      exp: now + BEARER_LIFETIME_SECONDS,
      jti: randomUUID(),
      access: access.filter((a) => a.actions.length > 0),
    },
    deps.key,
  );
  return {
    status: 200,
    headers: {},
    body: {
      token: bearer,
      access_token: bearer,
      expires_in: BEARER_LIFETIME_SECONDS,
      issued_at: new Date(now * 1000).toISOString(),
    },
  };
}

/** `type:name:actions` of a claim. */
function describe(claim: AccessClaim): string {
  return `${claim.type}:${claim.name}:${claim.actions.join(",")}`;
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^basic +(\S+) *$/i.exec(header ?? "");
  return match === null ? undefined : decodeBasic(match[1] as string);
}
