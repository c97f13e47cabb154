/**
 * The `index.ts` of the user project in `lifecycle.e2e.test.ts`, as text: the CLI compiles it in the user's
 * project (TypeScript, the user's tsconfig), against the installed tarball. Three ways to declare a token and
 * one look-up; each token's every declared property is exported, so a stack output shows what a program
 * reads at run time (a property that is `undefined` there is missing from the output).
 */
export const USER_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");

// Every input a token with a chosen name takes.
const named = new RegistryToken("named", {
  registryId,
  name: "user-named",
  expiryDate: config.require("expiryDate"),
  status: config.get("status") === "enabled" ? "enabled" : "disabled",
  scopes: [
    { name: "team-a/*", type: "repository", actions: ["push", "pull"] },
    { name: "catalog", type: "registry", actions: ["pull"] },
  ],
  rotationTriggers: { generation: "1" },
});

// Every input a token with a generated name and a planned lifetime takes.
const planned = new RegistryToken("planned", {
  registryId,
  namePrefix: "ci",
  expiresIn: "30d",
  rotateBefore: "7d",
  status: "enabled",
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
  rotationTriggers: { reason: "first" },
});

// Only what is required: a generated name, no scopes, no status, no expiry.
const minimal = new RegistryToken("minimal", { registryId });

// A token read by its ID (here one this program manages, so the test knows what to expect).
const adopted = RegistryToken.get("adopted", named.id);

function view(token: RegistryToken) {
  return {
    registryId: token.registryId,
    name: token.name,
    namePrefix: token.namePrefix,
    expiresIn: token.expiresIn,
    rotateBefore: token.rotateBefore,
    rotationTriggers: token.rotationTriggers,
    expiryDate: token.expiryDate,
    status: token.status,
    scopes: token.scopes,
    tokenId: token.tokenId,
    username: token.username,
    createdDate: token.createdDate,
    // typeof at run time: "undefined" here is what the test must never see.
    types: pulumi
      .all([token.name, token.status, token.scopes, token.tokenId, token.createdDate])
      .apply((values) => values.map((v) => (v === null ? "null" : typeof v))),
  };
}

export const tokens = { named: view(named), planned: view(planned), minimal: view(minimal), adopted: view(adopted) };
export const passwords = {
  named: named.password,
  planned: planned.password,
  minimal: minimal.password,
  adopted: adopted.password,
};
// An apply on a looked-up token's property must run (it threw when the property was undefined).
export const adoptedGreeting = adopted.name.apply((n) => "hello " + n.toUpperCase());
`;
