// Read a token that was created elsewhere (console, ionosctl, Terraform) by its ID "<registryId>/<tokenId>".
// `RegistryToken.get` only reads: the token stays unmanaged, and its password cannot be recovered (the API
// shows it only at creation), so `password` is empty. To bring access under management, declare a new
// `RegistryToken` with the same scopes, switch consumers to its credentials, then delete the old token.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();

const existing = RegistryToken.get("existing", config.require("tokenResourceId"));

export const name = existing.name;
export const status = existing.status;
export const scopes = existing.scopes;
export const expiryDate = existing.expiryDate;
