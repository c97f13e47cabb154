/**
 * Records rendered in the API's response shapes (`TokenResponse`, `RegistryResponse`). These are the
 * only functions that build resource bodies, so every route answers with the same shape.
 */
import type { AuditFields, RegistryRecord, Scope, TokenRecord, TokenStatus, WeeklySchedule } from "./records";

/** `ApiResourceMetadata` as on the wire. */
export interface MetadataView {
  createdBy: string;
  createdByUserId: string;
  createdDate: string;
  lastModifiedBy?: string;
  lastModifiedByUserId?: string;
  lastModifiedDate?: string;
  state: string;
}

/** The API's `TokenResponse` (also `PostTokenOutput` / `PutTokenOutput`). */
export interface TokenView {
  id: string;
  type: "token";
  /** Always `""`, as in the real service's responses. */
  href: string;
  metadata: MetadataView;
  properties: {
    name: string;
    status: TokenStatus;
    expiryDate: string | null;
    scopes: Scope[];
    /** `password` is non-empty only in the response that created the token. */
    credentials: { username: string; password: string };
  };
}

/** The API's `RegistryResponse` (also `PostRegistryOutput`). */
export interface RegistryView {
  id: string;
  type: "registry";
  /** Always `""`, as in the real service's responses. */
  href: string;
  metadata: MetadataView;
  properties: {
    name: string;
    location: string;
    hostname: string;
    garbageCollectionSchedule: WeeklySchedule | null;
    storageUsage: { bytes: number; updatedAt: string | null };
    features?: { vulnerabilityScanning?: { enabled: boolean } };
    apiSubnetAllowList?: string[];
  };
}

/** Renders a token; `password` is the one-time password for a create response, `""` everywhere else. */
export function tokenView(token: TokenRecord, password = ""): TokenView {
  return {
    id: token.id,
    type: "token",
    href: "",
    metadata: metadataView(token, token.status),
    properties: {
      name: token.name,
      status: token.status,
      expiryDate: token.expiryDate,
      scopes: token.scopes.map((s) => ({ name: s.name, type: s.type, actions: [...s.actions] })),
      credentials: { username: token.name, password },
    },
  };
}

/**
 * Renders a registry; its state is always `Running`. `hostname` is where clients reach it: a real registry
 * server's address with `--serve-registry`, else `<name>.cr.ionos.com` (see `registry/hosting.ts`).
 */
export function registryView(registry: RegistryRecord, hostname: string): RegistryView {
  const properties: RegistryView["properties"] = {
    name: registry.name,
    location: registry.location,
    hostname,
    garbageCollectionSchedule: registry.garbageCollectionSchedule,
    storageUsage: { bytes: 0, updatedAt: null },
  };
  if (registry.features !== undefined) properties.features = structuredClone(registry.features);
  if (registry.apiSubnetAllowList !== undefined)
    properties.apiSubnetAllowList = [...registry.apiSubnetAllowList];
  return {
    id: registry.id,
    type: "registry",
    href: "",
    metadata: metadataView(registry, "Running"),
    properties,
  };
}

function metadataView(record: AuditFields, state: string): MetadataView {
  const view: MetadataView = {
    createdBy: record.createdBy,
    createdByUserId: record.createdByUserId,
    createdDate: record.createdDate,
    state,
  };
  // The create response omits lastModified*; they appear after the first change.
  if (record.lastModifiedDate !== undefined) {
    view.lastModifiedBy = record.lastModifiedBy ?? record.createdBy;
    view.lastModifiedByUserId = record.lastModifiedByUserId ?? record.createdByUserId;
    view.lastModifiedDate = record.lastModifiedDate;
  }
  return view;
}
