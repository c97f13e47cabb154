import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson, RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");

// A generated name (the resource name and a random suffix), the default status.
const generated = new RegistryToken("generated", {
  registryId,
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});

// A chosen name; scopes of both types, with several actions.
const chosen = new RegistryToken("chosen", {
  registryId,
  name: "upgrade-chosen",
  scopes: [
    { name: "app", type: "repository", actions: ["pull", "push", "delete"] },
    { name: "tools/*", type: "repository", actions: ["push", "pull"] },
    { name: "catalog", type: "registry", actions: ["pull"] },
  ],
});

// A planned lifetime with a rotation window, and rotation triggers holding a secret config value.
const rotating = new RegistryToken("rotating", {
  registryId,
  namePrefix: "upgrade-rotating",
  expiresIn: "3650d",
  rotateBefore: "30d",
  rotationTriggers: { seed: config.requireSecret("seed"), schedule: "yearly" },
  scopes: [{ name: "*", type: "repository", actions: ["pull", "push"] }],
});

// A fixed expiry given as a Date, and a disabled token.
const dated = new RegistryToken("dated", {
  registryId,
  name: "upgrade-dated",
  expiryDate: new Date("2036-12-31T00:00:00Z"),
  status: "disabled",
  scopes: [{ name: "releases/*", type: "repository", actions: ["pull"] }],
});

// Replaced once: its name was upgrade-replaced-1 before.
const replaced = new RegistryToken("replaced", {
  registryId,
  name: "upgrade-replaced-2",
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});

// Made in the console by another actor, adopted with `npx ionos-registry-token import-file` and
// `pulumi import --file`, then declared with its live values.
const adopted = new RegistryToken("adopted", {
  registryId,
  name: "console-made",
  status: "enabled",
  expiryDate: "2036-06-30T00:00:00Z",
  scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
});

const all = { generated, chosen, rotating, dated, replaced, adopted };
const each = <T>(pick: (token: RegistryToken) => T) =>
  Object.fromEntries(Object.entries(all).map(([key, token]) => [key, pick(token)]));

export const tokens = each((t) => ({
  name: t.name,
  namePrefix: t.namePrefix,
  tokenId: t.tokenId,
  username: t.username,
  status: t.status,
  expiryDate: t.expiryDate,
  expiresIn: t.expiresIn,
  rotateBefore: t.rotateBefore,
  scopes: t.scopes,
  createdDate: t.createdDate,
}));
export const passwords = each((t) => t.password);
export const rotationTriggers = rotating.rotationTriggers;
export const pullSecret = dockerConfigJson({
  server: "upgrade.cr.de-fra.ionos.com",
  username: generated.username,
  password: generated.password,
});
