/**
 * The root Pulumi program (see `Pulumi.yaml`): one pull-only token for every repository of the registry named
 * by the stack config `registryId`. Credentials come from `ionoscloud:*` config or `IONOS_*` variables.
 *
 *   pulumi config set registryId <registry UUID>
 *   pulumi config set --secret ionoscloud:token <API token>
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, type RegistryTokenStatus } from "./provider";

const config = new pulumi.Config();

const token = new RegistryToken("ci-pull", {
  registryId: config.require("registryId"),
  expiryDate: config.get("expiryDate"),
  status: config.get<RegistryTokenStatus>("status"),
  scopes: [{ name: config.get("repositories") ?? "*", type: "repository", actions: ["pull"] }],
});

/** The token's generated name, which is also the `docker login` username. */
export const username = token.username;
/** The `docker login` password: a secret (`pulumi stack output password --show-secrets`). */
export const password = token.password;
/** `<registryId>/<tokenId>`, usable with `RegistryToken.get`. */
export const tokenResourceId = token.id;
