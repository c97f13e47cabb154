/**
 * The `index.ts` of `import.e2e.test.ts`, as text. Stack config `mode` picks what it declares: nothing (before
 * the import), the adopted token as a user declares it after `pulumi import --file` (`declare`), or a token with
 * the `import` resource option (`importOption`), which must fail at once naming the command that works.
 */
export const IMPORT_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");
const mode = config.get("mode");

if (mode === "declare") {
  const adopted = new RegistryToken("adopted", {
    registryId,
    name: "made-elsewhere",
    status: "disabled",
    expiryDate: config.require("expiryDate"),
    scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
  });
  module.exports = { name: adopted.name, password: adopted.password, tokenId: adopted.tokenId };
}

if (mode === "importOption") {
  new RegistryToken("imported", { registryId, name: "made-elsewhere" }, { import: config.require("tokenResourceId") });
}
`;
