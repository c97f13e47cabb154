/**
 * The dynamic-mode floor's provider object, in a module of its own without `@pulumi/pulumi` (types aside), so
 * that a program may require it by path and use it (`new pulumi.dynamic.Resource(floorProvider, …)`, as the
 * big-stack section's does) without loading a second copy of the SDK. See `dynamicFloor.ts`.
 */
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { FloorApi } from "./floorApi";

/**
 * The compiled `floorApi` module, required by path inside the host: a serialized provider captures this string
 * by value, and the host resolves it at run time, as `RegistryToken`'s glue requires its runtime module.
 */
const FLOOR_API_MODULE = path.join(__dirname, "floorApi.js");

type Props = Record<string, unknown>;

/** The floor's client inside the host (a serialized provider has no module of its own to keep it in). */
const clientOf = (): FloorApi => {
  const api = (globalThis as { __benchFloorApi?: FloorApi }).__benchFloorApi;
  if (!api) throw new Error("the floor provider was not configured");
  return api;
};

/** `registryId/tokenId`, the ID `RegistryToken` gives a token too. */
const idParts = (id: string): [string, string] => id.split("/") as [string, string];

/** The floor provider: its methods reach their client by a path and a global, never a closure over a socket. */
export const floorProvider = {
  /** Reads the endpoint and API token from the stack config, as `RegistryToken`'s provider does. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { floorApi } = require(FLOOR_API_MODULE) as typeof import("./floorApi");
    (globalThis as { __benchFloorApi?: FloorApi }).__benchFloorApi = floorApi(
      req.config.get("ionoscloud:endpoint") ?? "",
      req.config.get("ionoscloud:token") ?? "",
    );
  },
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return { inputs: news };
  },
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return { changes: olds.status !== news.status };
  },
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const registryId = String(inputs.registryId);
    const name = `${String(inputs.defaultNamePrefix ?? "floor")}-${Math.random().toString(36).slice(2, 10)}`;
    const token = await clientOf().create(registryId, name, inputs.scopes);
    return { id: `${registryId}/${token.tokenId}`, outs: { ...inputs, ...token, name } };
  },
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    await clientOf().read(...idParts(id));
    return { id, props };
  },
  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    await clientOf().setStatus(...idParts(id), String(news.status));
    return { outs: { ...olds, status: news.status } };
  },
  async delete(id: string): Promise<void> {
    await clientOf().remove(...idParts(id));
  },
};
