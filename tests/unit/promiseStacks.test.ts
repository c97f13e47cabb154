import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { PROMISE_LEAK_DEBUG_VARIABLE } from "../../provider/dynamic/promiseStacks";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

type RegistryTokenClass = typeof import("../../provider").RegistryToken;

/** Registers against mocks (`refuse`: the engine refuses that resource) and returns the class, loaded after. */
async function mockedRegistryToken(refuse?: string): Promise<RegistryTokenClass> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.name === refuse) throw new Error(`the engine refuses ${args.name}`);
        return { id: "r/t", state: args.inputs };
      },
      call: () => ({}),
    },
    "proj",
    "dev",
    false,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../provider") as typeof import("../../provider")).RegistryToken;
}

/** V8's own format, as a stack formatter: what ts-node's installs in a TypeScript program, less the mapping. */
const plainFormatter = (error: Error, frames: NodeJS.CallSite[]) =>
  `${String(error)}\n${frames.map((f) => `    at ${String(f)}`).join("\n")}`;

/** Runs `body` with a stack formatter installed (a TypeScript program has ts-node's), then removes it. */
async function withFormatter<T>(body: () => T | Promise<T>): Promise<T> {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = plainFormatter;
  try {
    return await body();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** Counts the stacks with frames that reach the installed formatter while `declare` runs. */
function stacksFormattedBy(declare: () => void): number {
  const previous = Error.prepareStackTrace;
  let withFrames = 0;
  Error.prepareStackTrace = (error, frames) => {
    if (frames.length > 0) withFrames++;
    return plainFormatter(error, frames);
  };
  try {
    declare();
  } finally {
    Error.prepareStackTrace = previous;
  }
  return withFrames;
}

/**
 * What an output's registration was rejected with. `apply` never sees a rejection, so this reads the promise the
 * SDK keeps inside every `Output` (what the program's failure is printed from).
 */
async function rejectionOf(output: pulumi.Output<unknown>): Promise<Error> {
  return (output as unknown as { promise(): Promise<unknown> }).promise().then(
    () => expect.fail("resolved"),
    (error: Error) => error,
  );
}

describe("RegistryToken leaves the SDK's leak-report stacks unformatted, and every other stack as it was", () => {
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
    // Resource.callsites formats the stack once (the source position the state stores).
    expect(ours).to.equal(1);
    expect(plain).to.be.greaterThan(4 * 3);
  });

  it("formats a stack per promise when PULUMI_DEBUG_PROMISE_LEAKS is set", async () => {
    process.env[PROMISE_LEAK_DEBUG_VARIABLE] = "true";
    const RegistryToken = await mockedRegistryToken();
    // 15 registered properties, four promises each, besides the URN's, the ID's and the source position's.
    expect(stacksFormattedBy(() => new RegistryToken("loud", { registryId: REGISTRY }))).to.be.at.least(
      4 * 15,
    );
  });

  it("puts the formatter back, and keeps one a transformation installs", async () => {
    const RegistryToken = await mockedRegistryToken();
    const seen: unknown[] = [];
    const look: pulumi.ResourceTransformation = () => {
      seen.push(Error.prepareStackTrace);
      return undefined;
    };
    await withFormatter(() => {
      new RegistryToken("formatted", { registryId: REGISTRY }, { transformations: [look] });
      expect(Error.prepareStackTrace).to.equal(plainFormatter);
    });
    // Inside the registration, ours wrapped the installed one.
    expect(seen[0]).to.be.a("function").and.not.equal(plainFormatter);
    // Node's own (Node installs one as Error.prepareStackTrace) is put back just the same.
    const nodes = Error.prepareStackTrace;
    new RegistryToken("node", { registryId: REGISTRY });
    expect(Error.prepareStackTrace).to.equal(nodes);
    // A formatter a transformation installs stays installed.
    const theirs = (error: Error) => `theirs: ${String(error)}`;
    await withFormatter(() => {
      const install: pulumi.ResourceTransformation = () => {
        Error.prepareStackTrace = theirs;
        return undefined;
      };
      new RegistryToken("theirs", { registryId: REGISTRY }, { transformations: [install] });
      expect(Error.prepareStackTrace).to.equal(theirs);
    });
  });

  it("a refused registration or read rejects with the SDK's error, its stack through the program's line", async () => {
    await withFormatter(async () => {
      const RegistryToken = await mockedRegistryToken("refused");
      const token = new RegistryToken("refused", { registryId: REGISTRY });
      const registering = await rejectionOf(token.urn);
      expect(registering.message).to.include("the engine refuses refused");
      expect(registering.stack).to.match(/promiseStacks\.test\.(ts|js)/);
      const read = RegistryToken.get("refused", "r/t");
      const reading = await rejectionOf(read.urn);
      expect(reading.message).to.include("the engine refuses refused");
      expect(reading.stack).to.match(/promiseStacks\.test\.(ts|js)/);
    });
  });

  it("an error a transformation throws keeps the transformation's frame", async () => {
    const RegistryToken = await mockedRegistryToken();
    function tagPolicy(): never {
      throw new Error("policy: tokens need a tag");
    }
    let thrown: Error | undefined;
    await withFormatter(() => {
      try {
        new RegistryToken("untagged", { registryId: REGISTRY }, { transformations: [tagPolicy] });
      } catch (error) {
        thrown = error as Error;
      }
    });
    expect(thrown?.message).to.equal("policy: tokens need a tag");
    expect(thrown?.stack).to.match(/at tagPolicy /);
  });
});
