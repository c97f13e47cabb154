/** Entry point of the provider plugin executable (`bin/pulumi-resource-ionos-registry-token`). */
import { servePlugin } from "./server";

void servePlugin().catch((error: Error) => {
  process.stderr.write(`pulumi-resource-ionos-registry-token: ${error.message}\n`);
  process.exit(1);
});
