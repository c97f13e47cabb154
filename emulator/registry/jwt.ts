/**
 * Signs the bearer tokens the token server issues: compact JWS, ES256, with the `kid` Distribution looks the
 * key up by. Only signing is needed here (Distribution verifies), which Node's crypto does in a few lines.
 */
import { sign } from "node:crypto";
import type { SigningKey } from "./signingKey";

/** One entry of the `access` claim, as the Docker token spec defines it. */
export interface AccessClaim {
  /** `repository` or `registry`. */
  type: string;
  /** The repository name, or `catalog`. */
  name: string;
  /** The granted actions, e.g. `pull`, `push`, `*`. */
  actions: string[];
}

/** The claims of a registry bearer token. */
export interface RegistryClaims {
  /** Issuer: the name each registry server trusts. */
  iss: string;
  /** Subject: the token's name. */
  sub: string;
  /** Audience: the registry's address (its `service`). */
  aud: string;
  /** Expiry, not-before and issued-at, in epoch seconds. */
  exp: number;
  nbf: number;
  iat: number;
  /** A unique id. */
  jti: string;
  /** What the bearer may do. */
  access: AccessClaim[];
}

/** The compact JWS of `claims`, signed with `key`. */
export function signJwt(claims: RegistryClaims, key: SigningKey): string {
  const header = { typ: "JWT", alg: "ES256", kid: key.keyId };
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode(header)}.${encode(claims)}`;
  // JWS wants the raw r||s form, not the DER one.
  const signature = sign("sha256", Buffer.from(signingInput), {
    key: key.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${signingInput}.${signature.toString("base64url")}`;
}
