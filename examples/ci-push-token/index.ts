// A token a CI system uses to push (and pull) one repository path; it expires 90 days after creation.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();

const token = new RegistryToken("ci-push", {
  registryId: config.require("registryId"),
  expiresIn: "90d",
  scopes: [{ name: config.get("repository") ?? "team-a/app", type: "repository", actions: ["pull", "push"] }],
});

export const username = token.username;
export const password = token.password;
export const expiryDate = token.expiryDate;
