/**
 * Obtains the provider code exactly as `RegistryToken` serializes it into state: a program runs under
 * `pulumi.runtime.setMocks`, and the registered inputs and resource options are recorded.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegistryTokenArgs } from "../../provider";

/** What a `RegistryToken` hands to the engine at registration. */
export interface RegisteredToken {
  /** The serialized provider (`__provider`), byte for byte. */
  provider: string;
  /** All registered inputs except `__provider`. */
  inputs: Record<string, unknown>;
  /** The `additionalSecretOutputs` resource option, as seen by a transformation. */
  additionalSecretOutputs: string[];
  /** The `deleteBeforeReplace` resource option, as seen by a transformation. */
  deleteBeforeReplace: boolean | undefined;
  /** The Pulumi type token. */
  type: string;
}

/** Declares one `RegistryToken` under mocks and records what it registers. */
export async function registerToken(
  name: string,
  args: RegistryTokenArgs,
  opts: pulumi.CustomResourceOptions = {},
): Promise<RegisteredToken> {
  let registered: pulumi.runtime.MockResourceArgs | undefined;
  let secretOutputs: string[] = [];
  let deleteBeforeReplace: boolean | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered = args;
        return { id: `${name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "proj",
    "dev",
    false,
  );
  // Required lazily: the resource module must load after setMocks so it registers against the mocks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RegistryToken } = require("../../provider") as typeof import("../../provider");
  const token = new RegistryToken(name, args, {
    ...opts,
    transformations: [
      (t) => {
        secretOutputs = (t.opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [];
        deleteBeforeReplace = (t.opts as pulumi.CustomResourceOptions).deleteBeforeReplace;
        return undefined;
      },
    ],
  });
  await new Promise<void>((resolve) => token.urn.apply(() => resolve()));
  for (let i = 0; i < 100 && !registered; i++) await new Promise((r) => setTimeout(r, 10));
  if (!registered) throw new Error("RegistryToken was never registered");
  const { __provider, ...inputs } = registered.inputs as Record<string, unknown>;
  return {
    provider: __provider as string,
    inputs,
    additionalSecretOutputs: secretOutputs,
    deleteBeforeReplace,
    type: registered.type,
  };
}
