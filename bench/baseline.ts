/**
 * A reference point for the scale section: the least a dynamic provider can do for a refresh — one GET of the
 * token over a keep-alive agent, its JSON parsed, the old properties returned — serialized the way Pulumi
 * serializes any provider. Refreshing the same tokens through the same host with it shows how much of a
 * refresh's wall time is the host and the harness rather than `RegistryToken`'s provider.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where the baseline keeps its settings inside the host (it has no module of its own to keep them in). */
interface BaselineState {
  url: string;
  token: string;
  agent?: import("http").Agent;
}

const baselineProvider = {
  /** Reads the endpoint and API token from the stack config, as `RegistryToken`'s provider does. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const state: BaselineState = {
      url: req.config.get("ionoscloud:endpoint") ?? "",
      token: req.config.get("ionoscloud:token") ?? "",
    };
    (globalThis as { __benchBaseline?: BaselineState }).__benchBaseline = state;
  },

  /** One GET; the old properties come back unchanged. */
  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const state = (globalThis as { __benchBaseline?: BaselineState }).__benchBaseline;
    if (!state) throw new Error("baseline provider not configured");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const http = require("http") as typeof import("http");
    state.agent ??= new http.Agent({ keepAlive: true });
    const [registryId, tokenId] = id.split("/");
    const body = await new Promise<string>((resolve, reject) => {
      const request = http.get(
        `${state.url}/registries/${registryId}/tokens/${tokenId}`,
        {
          agent: state.agent,
          headers: { Authorization: `Bearer ${state.token}`, Accept: "application/json" },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () =>
            response.statusCode === 200 ? resolve(text) : reject(new Error(`GET ${response.statusCode}`)),
          );
        },
      );
      request.on("error", reject);
    });
    JSON.parse(body);
    return { id, props };
  },
};

/** The baseline provider's serialized text, to send as `__provider`. */
export async function serializedBaselineProvider(): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => baselineProvider, { allowSecrets: true });
  return serialized.text;
}
