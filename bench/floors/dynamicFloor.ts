/**
 * The dynamic-mode floor: the least a dynamic provider can do for each lifecycle step — check passes the inputs
 * through, create/read/update/delete make one request each (`floorApi.ts`) — serialized the way Pulumi
 * serializes any provider and run by the same dynamic-provider host as `RegistryToken`. What a step costs beyond
 * this floor is `RegistryToken`'s own work.
 */
import * as pulumi from "@pulumi/pulumi";
import { floorProvider } from "./dynamicFloorProvider";

/** The floor provider's serialized text, to send as `__provider`. */
export async function serializedFloorProvider(): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => floorProvider, { allowSecrets: true });
  return serialized.text;
}
