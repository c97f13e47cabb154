import type * as pulumi from "@pulumi/pulumi";
import type * as Runtime from "../lifecycle/runtime";
import type { TokenInputs, TokenOutputs } from "../rules/types";

/**
 * Loads the provider's implementation inside the provider host. Pulumi stores the serialized provider object
 * in every resource's state; keeping the implementation out of it keeps that copy small and lets `refresh` and
 * `destroy` run with the installed code. The specifier is a literal on purpose: the serializer then captures
 * nothing of this package's modules, and the state names the package only through the documented entry
 * `RUNTIME_ENTRY` (`stateContract.ts`, package.json `exports`). Inside this repository, `npm run build` links the
 * package to itself (`scripts/link-self.mjs`) so the name resolves here too.
 */
function runtime(): typeof Runtime {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("ionos-registry-token/provider-runtime") as typeof Runtime;
}

/**
 * The `RegistryToken` dynamic provider: the object Pulumi serializes into state. It has no fields and captures
 * nothing but the runtime's package entry: credentials are read at run time (`configure`, then the environment), and
 * per-instance run-time state lives in the runtime module. One host serves all tokens of a deployment
 * concurrently; nothing here is per resource.
 */
export class RegistryTokenProvider implements pulumi.dynamic.ResourceProvider<TokenInputs, TokenOutputs> {
  /** Remembers the stack config (`ionoscloud:*`); credentials are resolved when first needed. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return runtime().configure(this, req);
  }

  /** Validates and normalizes inputs; no API call. */
  async check(olds: TokenInputs, news: TokenInputs): Promise<pulumi.dynamic.CheckResult<TokenInputs>> {
    return runtime().check(olds, news);
  }

  /** Update-or-replace decision with an explicit `changes`; no API call. */
  async diff(_id: string, olds: TokenOutputs, news: TokenInputs): Promise<pulumi.dynamic.DiffResult> {
    return runtime().diff(olds, news);
  }

  /** POST; returns the outputs with the one-time password. */
  async create(inputs: TokenInputs): Promise<pulumi.dynamic.CreateResult<TokenOutputs>> {
    return runtime().create(this, inputs);
  }

  /** GET; keeps the stored password; an empty ID when the token is gone. */
  async read(id: string, props?: TokenOutputs): Promise<pulumi.dynamic.ReadResult<TokenOutputs>> {
    return runtime().read(this, id, props);
  }

  /** PATCH of what changed (PUT at the same ID if the token vanished); returns every output. */
  async update(
    id: string,
    olds: TokenOutputs,
    news: TokenInputs,
  ): Promise<pulumi.dynamic.UpdateResult<TokenOutputs>> {
    return runtime().update(this, id, olds, news);
  }

  /** DELETE; a token already gone counts as deleted. */
  async delete(id: string): Promise<void> {
    return runtime().delete(this, id);
  }
}

/** The single provider instance every `RegistryToken` uses (one instance keeps Pulumi's serialization cached). */
export const registryTokenProvider: RegistryTokenProvider = new RegistryTokenProvider();
