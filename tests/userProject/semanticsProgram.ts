/**
 * The `index.ts` of `semantics.e2e.test.ts`, as text: Pulumi program features that reach the provider in forms
 * a program never writes itself. Stack config `phase` switches to the second version of the program, which a
 * user would get by editing it: a resource renamed with `aliases`, inputs changed under `ignoreChanges`, and a
 * chosen name changed only in case.
 */
export const SEMANTICS_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");
const second = config.get("phase") === "2";
const expiry = config.require("expiryDate");

// expiryDate as a JavaScript Date, as the README shows it.
const dated = new RegistryToken("dated", { registryId, name: "user-dated", expiryDate: new Date(expiry) });

// expiryDate as an Output<Date>, unknown at the first preview (it comes from another token's output).
const derived = new RegistryToken("derived", {
  registryId,
  expiryDate: dated.createdDate.apply((created) => new Date(Date.parse(created) + 60 * 24 * 3600_000)),
});

// Unknown at preview, absent at run time: the cross-field rules must wait until they are known.
const nothingYet = dated.tokenId.apply((): string | undefined => undefined);
const unknowns = new RegistryToken("unknowns", { registryId, expiryDate: expiry, expiresIn: nothingYet });
const unknownWindow = new RegistryToken("unknown-window", { registryId, rotateBefore: nothingYet });

// ignoreChanges: the engine copies the stored inputs back, planned expiry included.
const frozen = new RegistryToken(
  "frozen",
  { registryId, expiresIn: "30d", status: second ? "disabled" : "enabled" },
  { ignoreChanges: ["*"] },
);
const keptExpiry = new RegistryToken(
  "kept-expiry",
  { registryId, expiresIn: "30d", status: second ? "disabled" : "enabled" },
  { ignoreChanges: ["expiryDate"] },
);

// Renaming a resource with aliases keeps its token (and its generated name).
const renamed = second
  ? new RegistryToken("frontend", { registryId }, { aliases: [{ name: "web" }] })
  : new RegistryToken("web", { registryId });

// A chosen name changed only in case: the registry sees one name, so the old token must go first.
const cased = new RegistryToken("cased", { registryId, name: second ? "cased-token" : "Cased-Token" });

const all = { dated, derived, unknowns, unknownWindow, frozen, keptExpiry, renamed, cased };
export const names = Object.fromEntries(Object.entries(all).map(([k, t]) => [k, t.name]));
export const expiries = Object.fromEntries(Object.entries(all).map(([k, t]) => [k, t.expiryDate]));
export const statuses = Object.fromEntries(Object.entries(all).map(([k, t]) => [k, t.status]));
export const passwords = Object.fromEntries(Object.entries(all).map(([k, t]) => [k, t.password]));
`;
