/**
 * Wire types of the IONOS Container Registry Tokens API, in the API's own spelling.
 *
 * These mirror what travels over HTTP; the provider maps them to its own input/output shapes elsewhere.
 * They are written from the API documentation, not generated, and only cover what this package uses.
 */

/** A permission grant on a token: `actions` on the repositories matching `name`. */
export interface WireScope {
  name: string;
  type: string;
  actions: string[];
}

/** `credentials` of a token. `password` is non-empty only in the response that created the token. */
export interface WireCredentials {
  username: string;
  password: string;
}

/** `properties` of a token as the API returns them. */
export interface WireTokenProperties {
  name: string;
  credentials: WireCredentials;
  expiryDate?: string | null;
  scopes?: WireScope[] | null;
  status?: string;
}

/** `metadata` of a token (`ApiResourceMetadata`). */
export interface WireMetadata {
  createdDate?: string;
  createdBy?: string;
  createdByUserId?: string;
  lastModifiedDate?: string | null;
  state?: string;
}

/** A token as returned by GET, POST, PUT and PATCH (`TokenResponse`, `PostTokenOutput`, `PutTokenOutput`). */
export interface WireToken {
  id: string;
  href?: string;
  type?: string;
  metadata: WireMetadata;
  properties: WireTokenProperties;
}

/** One page of `GET /registries/{registryId}/tokens` (`TokensResponse`). */
export interface WireTokenPage {
  items?: WireToken[] | null;
  count: number;
  limit: number;
  offset: number;
  total: number;
}

/** The `properties` sent by POST and PUT (`PostTokenProperties`); wrapped as `{ properties }` on the wire. */
export interface WireTokenWrite {
  name: string;
  expiryDate?: string | null;
  scopes?: WireScope[];
  status?: string;
}

/** The PATCH body (`PatchTokenInput`): NOT wrapped; an absent field stays, `expiryDate: null` clears it. */
export interface WireTokenPatch {
  expiryDate?: string | null;
  scopes?: WireScope[];
  status?: string;
}

/** One entry of an error body. `errorCode` is a string in this API. */
export interface WireErrorMessage {
  errorCode?: string;
  message?: string;
}

/** The API's error body (`ApiErrorResponse`). */
export interface WireErrorBody {
  httpStatus?: number;
  messages?: WireErrorMessage[] | null;
}
