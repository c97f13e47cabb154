// One pull-only token for every repository of a registry.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();

const token = new RegistryToken("quickstart", {
  registryId: config.require("registryId"),
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});

export const username = token.username;
// A secret: `pulumi stack output password --show-secrets` reveals it.
export const password = token.password;
