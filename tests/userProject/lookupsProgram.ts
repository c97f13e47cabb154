/**
 * The `index.ts` of `lookups.e2e.test.ts`, as text: a token of its own, and the look-ups of a token another
 * actor made (by name), of its own token (by id) and of a team's tokens (by name prefix). Stack config
 * `lookUp` replaces the name looked up, to show the error a user reads when it is not there.
 */
export const LOOKUPS_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, getRegistryToken, getRegistryTokens } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");

const ours = new RegistryToken("ci", {
  registryId,
  name: "team-a-ci",
  scopes: [{ name: "team-a/*", type: "repository", actions: ["pull", "push"] }],
});
const shared = getRegistryToken({ registryId, name: config.get("lookUp") ?? "shared-pull" });
const byId = ours.tokenId.apply((tokenId) => getRegistryToken({ registryId, tokenId }));
const teamA = ours.tokenId.apply(() => getRegistryTokens({ registryId, namePrefix: "team-a-" }));

export const sharedToken = shared;
export const oursById = byId;
export const teamANames = teamA.apply((list) => list.tokens.map((t) => t.name).sort());
`;
