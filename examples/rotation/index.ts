// Zero-downtime rotation. Each token lives 30 days; a `pulumi up` (e.g. a nightly scheduled job) in the last
// 7 days replaces it: the generated name lets the new token exist before the old one is deleted, so consumers
// that read `username`/`password` from this stack switch over without a failed pull.
// Bumping `generation` in the stack config rotates at once.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();

const token = new RegistryToken("rotating", {
  registryId: config.require("registryId"),
  expiresIn: config.get("expiresIn") ?? "30d",
  rotateBefore: config.get("rotateBefore") ?? "7d",
  rotationTriggers: { generation: config.get("generation") ?? "1" },
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});

export const username = token.username;
export const password = token.password;
export const expiryDate = token.expiryDate;
