#!/usr/bin/env node
/**
 * The package's command, `npx ionos-registry-token import-file <registryId>/<tokenId>… [--name NAME]
 * [--out FILE]`: writes a Pulumi import file that adopts existing tokens as `RegistryToken` resources with
 * `pulumi import --file FILE --generate-code=false`. Credentials and endpoint come from the same `IONOS_*`
 * variables the provider reads. Exit 2 means bad arguments, 1 a failure (nothing is written then).
 */
import { writeFileSync } from "fs";
import { parseArgs } from "util";
import { tokensApiFor } from "../lifecycle/apiClient";
import { importFileFor, serializeRegistryTokenProvider } from "./importFile";

const USAGE = `Usage: npx ionos-registry-token import-file <registryId>/<tokenId>... [--name NAME] [--out FILE]

Reads each token (one GET) and writes a Pulumi import file (to FILE, or stdout) for
  pulumi import --file FILE --generate-code=false
Credentials and endpoint: IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD), IONOS_API_URL.
The resource name defaults to the token's name (--name: one token only). The password of an
imported token stays empty: the API shows it only at creation. Rotate the token to get one.
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    process.stderr.write(`ionos-registry-token: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...ids] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== "import-file" || ids.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    // No stack config outside a Pulumi run: the environment only, and settings errors name only its variables.
    const api = tokensApiFor(() => undefined, process.env, null);
    const file = await importFileFor(api, ids, await serializeRegistryTokenProvider(), parsed.values.name);
    api.close();
    const text = `${JSON.stringify(file, null, 2)}\n`;
    if (parsed.values.out === undefined) process.stdout.write(text);
    else writeFileSync(parsed.values.out, text);
    const names = file.resources.map((r) => r.name).join(", ");
    process.stderr.write(
      `Wrote ${file.resources.length} token(s) (${names}). Next: pulumi import --file ${parsed.values.out ?? "FILE"} ` +
        "--generate-code=false, then declare each as new RegistryToken(NAME, { registryId, name, scopes, " +
        "status, expiryDate }). The passwords stay empty: the API shows a password only when a token is " +
        "created; change rotationTriggers (or pulumi up --replace) to get a new token with one.\n",
    );
    return 0;
  } catch (error) {
    process.stderr.write(`ionos-registry-token: ${(error as Error).message}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
