/**
 * Token semantics, independent of HTTP: unique names per registry, a password that exists only in the
 * create result, PUT at a client-chosen id, partial PATCH, and deletion of expired tokens.
 *
 * Inputs arrive already validated (see `http/tokenBodies.ts`); this module enforces the rules that need
 * the stored state. Every public method first deletes expired tokens, so an expired token is never seen.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { conflict, invalidField, notFound } from "../errors";
import type { Store } from "../store/store";
import { digestPassword } from "./passwords";
import type { Actor, Scope, TokenRecord, TokenStatus } from "./records";
import { formatTimestamp } from "./time";

/** The properties of a POST or PUT body (`PostTokenProperties`), validated. */
export interface TokenInput {
  name: string;
  /** Absent means `enabled`. */
  status?: TokenStatus;
  /** Epoch ms; absent or null means no expiry. */
  expiryDate?: number | null;
  /** Absent or null means no scopes. */
  scopes?: Scope[] | null;
}

/** A PATCH body (`PatchTokenInput`), validated: absent fields stay, `expiryDate: null` clears. */
export interface TokenPatch {
  status?: TokenStatus;
  expiryDate?: number | null;
  /** Replaces the whole list; null clears it. */
  scopes?: Scope[] | null;
}

/** The result of a create: the stored token and its one-time password. */
export interface CreatedToken {
  token: TokenRecord;
  password: string;
}

/** The result of a PUT: `password` is set only when the PUT created the token. */
export interface PutTokenResult {
  token: TokenRecord;
  created: boolean;
  password?: string;
}

/** What {@link TokenModel} needs: the store, the clock, and optional id/password generators for tests. */
export interface TokenModelDeps {
  store: Store;
  clock: () => Date;
  newId?: () => string;
  newPassword?: () => string;
}

/** The token rules over a {@link Store}. Throws `ApiProblem` (404, 409, 400) for rule violations. */
export class TokenModel {
  private readonly store: Store;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly newPassword: () => string;

  /** @param deps - see {@link TokenModelDeps} */
  constructor(deps: TokenModelDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.newId = deps.newId ?? randomUUID;
    this.newPassword = deps.newPassword ?? (() => randomBytes(32).toString("base64url"));
  }

  /** Deletes every token whose expiry is at or before the clock's now; returns how many went. */
  sweepExpired(): number {
    const now = this.clock().getTime();
    // Runs on every request: scan summaries, not deep copies of every record.
    const expired = this.store
      .listTokenSummaries()
      .filter((t) => t.expiryDate !== null && Date.parse(t.expiryDate) <= now)
      .map((t) => t.id);
    return expired.length === 0 ? 0 : this.store.deleteTokens(expired);
  }

  /** One page of a registry's tokens plus the total count. @throws 404 for an unknown registry */
  list(registryId: string, offset: number, limit: number): { items: TokenRecord[]; total: number } {
    this.sweepExpired();
    this.requireRegistry(registryId);
    const all = this.store.listTokens(registryId);
    return { items: all.slice(offset, offset + limit), total: all.length };
  }

  /** The token `tokenId` of registry `registryId`. @throws 404 when either is unknown */
  get(registryId: string, tokenId: string): TokenRecord {
    this.sweepExpired();
    this.requireRegistry(registryId);
    return this.requireToken(registryId, tokenId);
  }

  /** Creates a token with a new id. @throws 404 unknown registry, 409 duplicate name */
  create(registryId: string, input: TokenInput, actor: Actor): CreatedToken {
    this.sweepExpired();
    this.requireRegistry(registryId);
    this.requireFreeName(registryId, input.name);
    return this.insert(registryId, this.newId(), input, actor);
  }

  /**
   * Creates the token at `tokenId` when that id is free, otherwise replaces its properties (absent fields
   * take their defaults: PUT is a full replacement).
   * @throws 404 unknown registry; 409 when the id belongs to another registry or the name is taken;
   *   400 when the name differs from the existing token's
   */
  put(registryId: string, tokenId: string, input: TokenInput, actor: Actor): PutTokenResult {
    this.sweepExpired();
    this.requireRegistry(registryId);
    const existing = this.store.getToken(tokenId);
    if (existing === undefined) {
      this.requireFreeName(registryId, input.name);
      return { created: true, ...this.insert(registryId, tokenId, input, actor) };
    }
    if (existing.registryId !== registryId) {
      throw conflict(`token id '${tokenId}' is already used in another registry`);
    }
    if (existing.name !== input.name) {
      throw invalidField("properties.name", `cannot be changed (is '${existing.name}')`);
    }
    const token: TokenRecord = {
      ...existing,
      status: input.status ?? "enabled",
      expiryDate: toStoredExpiry(input.expiryDate),
      scopes: input.scopes ?? [],
      ...this.modified(actor),
    };
    this.store.putToken(token);
    return { token, created: false };
  }

  /** Applies a partial update. @throws 404 when the registry or token is unknown */
  patch(registryId: string, tokenId: string, patch: TokenPatch, actor: Actor): TokenRecord {
    this.sweepExpired();
    this.requireRegistry(registryId);
    const existing = this.requireToken(registryId, tokenId);
    const token: TokenRecord = { ...existing, ...this.modified(actor) };
    if (patch.status !== undefined) token.status = patch.status;
    if (patch.expiryDate !== undefined) token.expiryDate = toStoredExpiry(patch.expiryDate);
    if (patch.scopes !== undefined) token.scopes = patch.scopes ?? [];
    this.store.putToken(token);
    // An out-of-band patch may set a past expiry; the token then goes at once, as on the real service.
    this.sweepExpired();
    return token;
  }

  /**
   * The live token named `name` (exactly, as a registry client sends it) in registry `registryId`, after
   * expired tokens went; undefined when there is none.
   */
  findByName(registryId: string, name: string): TokenRecord | undefined {
    this.sweepExpired();
    const summary = this.store
      .listTokenSummaries()
      .find((t) => t.registryId === registryId && t.name === name);
    return summary === undefined ? undefined : this.store.getToken(summary.id);
  }

  /** Deletes a token. @throws 404 when the registry or token is unknown */
  delete(registryId: string, tokenId: string): void {
    this.sweepExpired();
    this.requireRegistry(registryId);
    this.requireToken(registryId, tokenId);
    this.store.deleteTokens([tokenId]);
  }

  private insert(registryId: string, id: string, input: TokenInput, actor: Actor): CreatedToken {
    const password = this.newPassword();
    const token: TokenRecord = {
      id,
      registryId,
      name: input.name,
      status: input.status ?? "enabled",
      expiryDate: toStoredExpiry(input.expiryDate),
      scopes: input.scopes ?? [],
      createdDate: formatTimestamp(this.clock().getTime()),
      createdBy: actor.email,
      createdByUserId: actor.userId,
      passwordDigest: digestPassword(password),
    };
    this.store.putToken(token);
    return { token, password };
  }

  private modified(
    actor: Actor,
  ): Pick<TokenRecord, "lastModifiedDate" | "lastModifiedBy" | "lastModifiedByUserId"> {
    return {
      lastModifiedDate: formatTimestamp(this.clock().getTime()),
      lastModifiedBy: actor.email,
      lastModifiedByUserId: actor.userId,
    };
  }

  private requireRegistry(registryId: string): void {
    if (this.store.getRegistry(registryId) === undefined) throw notFound("registry", registryId);
  }

  private requireToken(registryId: string, tokenId: string): TokenRecord {
    const token = this.store.getToken(tokenId);
    // A token under the wrong registry is as unknown as a missing one.
    if (token === undefined || token.registryId !== registryId) throw notFound("token", tokenId);
    return token;
  }

  private requireFreeName(registryId: string, name: string): void {
    // Case-insensitive: stricter than a case-sensitive service would be, so nothing that passes here
    // can clash on the real one.
    const lower = name.toLowerCase();
    const clash = this.store
      .listTokenSummaries()
      .find((t) => t.registryId === registryId && t.name.toLowerCase() === lower);
    if (clash !== undefined) throw conflict(`a token named '${clash.name}' already exists in this registry`);
  }
}

function toStoredExpiry(expiry: number | null | undefined): string | null {
  return expiry === undefined || expiry === null ? null : formatTimestamp(expiry);
}
