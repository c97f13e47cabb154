/** Entry point of the provider plugin executable (`bin/pulumi-resource-ionos-registry-token`). */
import { limitYoungGenerationGrowth } from "../lifecycle/heapTuning";
import { servePlugin } from "./server";

// The plugin is our own process, so its heap is ours to size. The dynamic provider runs in Pulumi's host,
// which serves every dynamic provider of the program: no V8 flag is set there.
limitYoungGenerationGrowth();

void servePlugin().catch((error: Error) => {
  process.stderr.write(`pulumi-resource-ionos-registry-token: ${error.message}\n`);
  process.exit(1);
});
