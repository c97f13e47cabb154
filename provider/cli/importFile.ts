/**
 * `pulumi import --file` entries for existing tokens. The engine's import Read carries no inputs, so Pulumi's
 * dynamic-provider host has no provider code to run and a plain `pulumi import TYPE NAME ID` fails. An entry
 * that carries `inputs` and `outputs` (with the serialized provider under `__provider`) skips that Read: the
 * token is imported from the values read here with one GET.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TokensApi } from "../client/tokens";
import { registryTokenProvider } from "../dynamic/glue";
import { inputsOf, parseResourceId, resourceId, toOutputs } from "../rules/mapping";
import { REGISTRY_TOKEN_TYPE } from "./resourceTypes";

/** The Pulumi type of a `RegistryToken` in dynamic mode, the type of every entry written here. */
export { REGISTRY_TOKEN_TYPE };

/** One resource of a Pulumi import file. */
export interface ImportEntry {
  type: string;
  /** The resource name in the program (`new RegistryToken(name, …)`). */
  name: string;
  /** `<registryId>/<tokenId>`. */
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** The file `pulumi import --file` reads. */
export interface ImportFile {
  resources: ImportEntry[];
}

/**
 * The serialized provider, byte for byte as a `RegistryToken` stores it under `__provider`: the SDK serializes
 * the closure `() => provider`, and the captured variable's name is part of the text.
 */
export async function serializeRegistryTokenProvider(): Promise<string> {
  const provider = registryTokenProvider;
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

/**
 * Reads each token (one GET each) and describes it as an import entry. The resource name is `name` when one
 * token is given with it, else the token's name. The inputs are what a program declaring the token with its
 * chosen name, scopes, status and expiry would send, so its first preview shows no change. The password is
 * empty: the API shows it only when a token is created.
 * @param serializedProvider - the `__provider` value, as `RegistryToken` stores it
 * @throws when an id is malformed, a token cannot be read, or two resources would get the same name
 */
export async function importFileFor(
  api: TokensApi,
  ids: readonly string[],
  serializedProvider: string,
  name?: string,
): Promise<ImportFile> {
  if (name !== undefined && ids.length !== 1) {
    throw new Error(`--name names one resource, but ${ids.length} token ids were given`);
  }
  const resources: ImportEntry[] = [];
  for (const id of ids) {
    const { registryId, tokenId } = parseResourceId(id);
    const token = await api.get(registryId, tokenId);
    const outputs = toOutputs(registryId, token, "", {});
    const entry: ImportEntry = {
      type: REGISTRY_TOKEN_TYPE,
      name: name ?? outputs.name,
      id: resourceId(registryId, token.id),
      inputs: { ...inputsOf(outputs), __provider: serializedProvider },
      outputs: { ...outputs, __provider: serializedProvider },
    };
    const twin = resources.find((r) => r.name === entry.name);
    if (twin) {
      throw new Error(
        `${twin.id} and ${entry.id} would both be imported as "${entry.name}": import them one at a time with --name`,
      );
    }
    resources.push(entry);
  }
  return { resources };
}
