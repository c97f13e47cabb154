import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { PROMISE_LEAK_DEBUG_VARIABLE } from "../../provider/dynamic/promiseStacks";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

type RegistryTokenClass = typeof import("../../provider").RegistryToken;

/** Registers against mocks and returns the class, loaded after `setMocks` as the SDK requires. */
async function mockedRegistryToken(): Promise<RegistryTokenClass> {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: "r/t", state: args.inputs }), call: () => ({}) },
    "proj",
    "dev",
    false,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../provider") as typeof import("../../provider")).RegistryToken;
}

/**
 * Counts the stack traces V8 formats with at least one frame while `declare` runs: a hook in
 * `Error.prepareStackTrace` (V8 calls it for each `.stack` read), chained to whatever hook was there.
 */
function stacksFormattedBy(declare: () => void): number {
  const previous = Error.prepareStackTrace;
  let withFrames = 0;
  Error.prepareStackTrace = (error, frames) => {
    if (frames.length > 0) withFrames++;
    return previous
      ? previous(error, frames)
      : `${String(error)}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
  };
  try {
    declare();
  } finally {
    Error.prepareStackTrace = previous;
  }
  return withFrames;
}

describe("RegistryToken skips the SDK's promise stack traces unless the leak report asks for them", () => {
  let savedVariable: string | undefined;
  beforeEach(() => {
    savedVariable = process.env[PROMISE_LEAK_DEBUG_VARIABLE];
    delete process.env[PROMISE_LEAK_DEBUG_VARIABLE];
  });
  afterEach(() => {
    if (savedVariable === undefined) delete process.env[PROMISE_LEAK_DEBUG_VARIABLE];
    else process.env[PROMISE_LEAK_DEBUG_VARIABLE] = savedVariable;
  });

  it("formats only the SDK's source-position stack, where a plain dynamic resource formats one per promise", async () => {
    const RegistryToken = await mockedRegistryToken();
    const ours = stacksFormattedBy(() => new RegistryToken("quiet", { registryId: REGISTRY }));
    // The same registration without our constructor: the SDK's cost that RegistryToken avoids.
    class Plain extends pulumi.dynamic.Resource {}
    const plain = stacksFormattedBy(
      () =>
        new Plain(
          { create: async () => ({ id: "x" }) },
          "plain",
          { registryId: REGISTRY, name: undefined, status: undefined },
          {},
        ),
    );
    // Resource.callsites reads the stack once (the source position the state stores), at an infinite limit.
    expect(ours).to.equal(1);
    expect(plain).to.be.greaterThan(4 * 3);
  });

  it("formats a stack per promise when PULUMI_DEBUG_PROMISE_LEAKS is set", async () => {
    process.env[PROMISE_LEAK_DEBUG_VARIABLE] = "true";
    const RegistryToken = await mockedRegistryToken();
    // 14 registered properties, four promises each, besides the URN's, the ID's and the source position's.
    expect(stacksFormattedBy(() => new RegistryToken("loud", { registryId: REGISTRY }))).to.be.at.least(
      4 * 14,
    );
  });

  it("puts Error.stackTraceLimit back, whatever it was", async () => {
    const RegistryToken = await mockedRegistryToken();
    const saved = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 17;
      new RegistryToken("limit", { registryId: REGISTRY });
      expect(Error.stackTraceLimit).to.equal(17);
    } finally {
      Error.stackTraceLimit = saved;
    }
  });

  it("an error thrown while registering carries a stack through the program's declaration", async () => {
    const RegistryToken = await mockedRegistryToken();
    const saved = Error.stackTraceLimit;
    let thrown: unknown;
    try {
      // The SDK refuses a parent that is not a resource, inside the registration.
      new RegistryToken("orphan", { registryId: REGISTRY }, { parent: {} as pulumi.Resource });
    } catch (err) {
      thrown = err;
    }
    expect(Error.stackTraceLimit).to.equal(saved);
    expect(thrown).to.be.instanceOf(Error);
    const stack = (thrown as Error).stack ?? "";
    expect(stack).to.include((thrown as Error).message);
    expect(stack).to.match(/promiseStacks\.test\.(ts|js)/);
  });
});
