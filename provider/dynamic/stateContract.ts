/**
 * The contract between the state users' stacks hold and whatever version of this package is installed later.
 *
 * In dynamic mode every token's state carries a serialized provider (`__provider`), and `refresh` and
 * `destroy` run that recorded glue, not the program's. The glue loads this package's implementation by a
 * module specifier, so each specifier any release ever serialized is an entry of `package.json` `exports`
 * for good, and the module behind it keeps its functions' signatures (`runtime.ts`):
 *
 * - 0.1.0's glue requires `ionos-registry-token/dist/provider/lifecycle.js` (an entry that points at this
 *   module), then `require(RUNTIME_MODULE)` of what that module exports;
 * - later glue requires {@link RUNTIME_ENTRY}, the entry `./provider-runtime` (`dist/provider/lifecycle/runtime.js`).
 *
 * `tests/package/stateContract.test.ts` fails when an entry a recorded stack needs disappears, and
 * `tests/upgrade` replays the recorded stacks. Files may move freely: only the `exports` targets follow them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Runtime from "../lifecycle/runtime";
import type { TokenInputs, TokenOutputs } from "../rules/types";

/** The documented package entry the serialized provider loads its implementation from. */
export const RUNTIME_ENTRY = "ionos-registry-token/provider-runtime";

/**
 * Read by the glue that 0.1.0 serialized: it `require`s this module as
 * `ionos-registry-token/dist/provider/lifecycle.js` (an `exports` entry that points here) and then
 * `require(RUNTIME_MODULE)`.
 */
export const RUNTIME_MODULE = RUNTIME_ENTRY;

/**
 * The calls recorded glue makes into the runtime module, by position (`this` is the glue's provider object).
 * Written as function-typed properties so that parameters are checked strictly.
 */
export interface RecordedGlueCalls {
  configure: (provider: object, req: pulumi.dynamic.ConfigureRequest) => Promise<void>;
  check: (olds: TokenInputs, news: TokenInputs) => Promise<pulumi.dynamic.CheckResult<TokenInputs>>;
  diff: (olds: TokenOutputs, news: TokenInputs) => Promise<pulumi.dynamic.DiffResult>;
  create: (provider: object, inputs: TokenInputs) => Promise<pulumi.dynamic.CreateResult<TokenOutputs>>;
  read: (
    provider: object,
    id: string,
    props?: TokenOutputs,
  ) => Promise<pulumi.dynamic.ReadResult<TokenOutputs>>;
  update: (
    provider: object,
    id: string,
    olds: TokenOutputs,
    news: TokenInputs,
  ) => Promise<pulumi.dynamic.UpdateResult<TokenOutputs>>;
  delete: (provider: object, id: string) => Promise<void>;
}

/**
 * `true`, or the build fails: the runtime module still accepts every call recorded glue makes (a new required
 * parameter, or a changed type, breaks it).
 */
export type RuntimeAcceptsRecordedGlue = typeof Runtime extends RecordedGlueCalls ? true : never;
const runtimeAcceptsRecordedGlue: RuntimeAcceptsRecordedGlue = true;
void runtimeAcceptsRecordedGlue;
