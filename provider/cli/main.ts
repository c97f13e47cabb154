#!/usr/bin/env node
/**
 * The package's command, `npx ionos-registry-token <command>`:
 * - `import-file <registryId>/<tokenId>… [--name NAME] [--out FILE]` writes a Pulumi import file that adopts
 *   existing tokens as `RegistryToken` resources (`pulumi import --file FILE --generate-code=false`);
 * - `pending [--delete] [--json] [--stack NAME | --state FILE] [--since TIME]` finds what a killed `pulumi`
 *   left behind in a stack and, with `--delete`, removes exactly the tokens it orphaned.
 * Credentials and endpoint come from the same `IONOS_*` variables the provider reads. Exit 2 means bad
 * arguments for `import-file`, and something left for a person for `pending`; 1 a failure.
 */
import { writeFileSync } from "fs";
import { parseArgs } from "util";
import { isIonosApiError } from "../client/errors";
import { tokensApiFor } from "../lifecycle/apiClient";
import { DEFAULT_ENDPOINT } from "../lifecycle/settings";

const USAGE = `Usage: npx ionos-registry-token import-file <registryId>/<tokenId>... [--name NAME] [--out FILE]
       npx ionos-registry-token pending [--delete] [--json] [--stack NAME | --state FILE] [--since TIME]

import-file: reads each token (one GET) and writes a Pulumi import file (to FILE, or stdout) for
  pulumi import --file FILE --generate-code=false
The resource name defaults to the token's name (--name: one token only). The password of an
imported token stays empty: the API shows it only at creation. Rotate the token to get one.

pending: run in a Pulumi project (or give --state, a \`pulumi stack export\` file). Lists each
pending operation of a RegistryToken that a killed pulumi left in the stack, with the token the
API holds for it and a verdict: orphan (its create landed; no state holds the token), absent (it
never reached the API), unsure (not provable; the reason says why), retry (an update or delete
the next run repeats). --delete deletes exactly the orphans, then clears the stack's pending
operations when nothing is unsure. --since: when the interrupted run began (RFC 3339, e.g.
2026-12-06T12:49:52Z), where the stack's lock does not tell; for a backend other than a file
backend, --delete needs it. Exit 0: nothing left pending; 2: something needs a person; 1: a failure.

Credentials and endpoint: IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD), IONOS_API_URL.
`;

/** No stack config outside a Pulumi run: the environment only, and settings errors name only its variables. */
const apiFromEnvironment = () => tokensApiFor(() => undefined, process.env, null);

/**
 * Said after an API call that got no answer: a user whose stack sets `ionoscloud:endpoint` (or the plugin's
 * `ionos-registry-token:endpoint`) may not know that this command never reads it, and would otherwise see only a
 * network error for the default endpoint.
 */
function environmentOnlyHint(error: unknown): string {
  if (!isIonosApiError(error) || error.status !== 0) return "";
  const where = process.env.IONOS_API_URL
    ? `IONOS_API_URL is set to ${process.env.IONOS_API_URL}`
    : `IONOS_API_URL is not set, so it used the default endpoint, ${DEFAULT_ENDPOINT}`;
  return (
    "\nThis command reads the endpoint and credentials from the environment only (IONOS_API_URL; IONOS_TOKEN, " +
    "or IONOS_USERNAME and IONOS_PASSWORD), never from a stack's config such as `ionoscloud:endpoint`: " +
    `${where}.`
  );
}

async function importFile(ids: string[], name: string | undefined, out: string | undefined): Promise<number> {
  if (ids.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  // Loaded only here: it serializes the provider with @pulumi/pulumi, which `pending` does not need.
  const { importFileFor, serializeRegistryTokenProvider } = await import("./importFile");
  const api = apiFromEnvironment();
  const file = await importFileFor(api, ids, await serializeRegistryTokenProvider(), name);
  api.close();
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
  const names = file.resources.map((r) => r.name).join(", ");
  process.stderr.write(
    `Wrote ${file.resources.length} token(s) (${names}). Next: pulumi import --file ${out ?? "FILE"} ` +
      "--generate-code=false, then declare each as new RegistryToken(NAME, { registryId, name, scopes, " +
      "status, expiryDate }). The passwords stay empty: the API shows a password only when a token is " +
      "created; change rotationTriggers (or pulumi up --replace) to get a new token with one.\n",
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        out: { type: "string" },
        delete: { type: "boolean" },
        json: { type: "boolean" },
        stack: { type: "string" },
        state: { type: "string" },
        since: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    process.stderr.write(`ionos-registry-token: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (command === "import-file") return await importFile(rest, values.name, values.out);
    if (command === "pending") {
      // Exit 2 means "something needs a person" here: bad arguments are failures (1), named.
      if (rest.length > 0) throw new Error(`pending takes no arguments, but got ${rest.join(" ")}`);
      if (values.stack !== undefined && values.state !== undefined)
        throw new Error("pending: give --stack or --state, not both");
      if (values.state === "" || values.stack === "")
        throw new Error("pending: --state and --stack need a value");
      const { runPending } = await import("./pending/command");
      return await runPending(
        {
          cwd: process.cwd(),
          stack: values.stack,
          stateFile: values.state,
          since: values.since,
          delete: values.delete ?? false,
          json: values.json ?? false,
        },
        { api: apiFromEnvironment, write: (text) => process.stdout.write(text) },
      );
    }
  } catch (error) {
    process.stderr.write(`ionos-registry-token: ${(error as Error).message}${environmentOnlyHint(error)}\n`);
    return 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
