/**
 * The `index.ts` of `replacements.e2e.test.ts`, as text: one token with a chosen name and one with a generated
 * name, whose name, rotation triggers and (for the chosen name) `deleteBeforeReplace` option come from the stack
 * config, so the test can rename, rotate and force replacements.
 */
export const REPLACEMENTS_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");

const pinned = new RegistryToken("pinned", {
  registryId,
  name: config.get("pinnedName") ?? "ci-pinned",
  rotationTriggers: { generation: config.get("pinnedGeneration") ?? "1" },
}, { deleteBeforeReplace: config.getBoolean("pinnedDeleteFirst") });
const auto = new RegistryToken("auto", {
  registryId,
  rotationTriggers: { generation: config.get("autoGeneration") ?? "1" },
});

export const ids = { pinned: pinned.tokenId, auto: auto.tokenId };
export const names = { pinned: pinned.name, auto: auto.name };
export const passwords = { pinned: pinned.password, auto: auto.password };
`;
