import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import { checkTokenInputs } from "../../provider/rules/validate";
import { serializedProvider } from "../support/hostSession";
import { startProviderHost, type ProviderHost } from "../support/providerHost";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const ID = `${REGISTRY}/8fb592e4-494c-11ed-b878-0242ac120002`;
const CREATED = Date.parse("2030-01-01T00:00:00Z");
/** Inside the rotation window of a 30-day token with rotateBefore 7d. */
const CLOCK = "2030-01-28T00:00:00Z";

/** A stand-in for the Pulumi engine's `Engine` service that records what it is asked to log. */
async function startFakeEngine(): Promise<{ address: string; logs: enginePb.LogRequest[]; close(): void }> {
  const logs: enginePb.LogRequest[] = [];
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, {
    log: (call: grpc.ServerUnaryCall<enginePb.LogRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      logs.push(call.request);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
      done(null, new Empty());
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, logs, close: () => server.forceShutdown() };
}

describe("warnings reach the engine as warnings (engineLog.ts through the provider host)", function () {
  this.timeout(30_000);
  const program = { registryId: REGISTRY, namePrefix: "ci", expiresIn: "30d", rotateBefore: "7d" };
  const created = checkTokenInputs({}, program, CREATED).inputs;
  const stored = {
    ...created,
    tokenId: "t",
    username: created.name,
    password: "p",
    createdDate: "2030-01-01T00:00:00Z",
  };
  let host: ProviderHost | undefined;

  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  async function rotateThrough(engineAddress: string) {
    host = await startProviderHost({ engineAddress, env: { IONOS_REGISTRY_TOKEN_CLOCK: CLOCK } });
    const news = { ...program, __provider: await serializedProvider() };
    const { inputs } = await host.check(created, news);
    return host.diff(ID, stored, inputs);
  }

  it("a rotation notice is a warning of the engine's, not a line on the host's stderr", async () => {
    const engine = await startFakeEngine();
    try {
      const diff = await rotateThrough(engine.address);
      expect(diff.replaces).to.deep.equal(["expiryDate"]);
      expect(engine.logs).to.have.length(1);
      expect(engine.logs[0].getSeverity()).to.equal(enginePb.LogSeverity.WARNING);
      expect(engine.logs[0].getMessage()).to.match(
        new RegExp(
          `^RegistryToken ${created.name as string} is due for rotation: expires 2030-01-31T00:00:00Z`,
        ),
      );
      expect(host!.output()).to.not.include("due for rotation");
    } finally {
      engine.close();
    }
  });

  it("without an engine to reach, the notice is printed on stderr, marked as a warning", async () => {
    await rotateThrough("127.0.0.1:1");
    expect(host!.output()).to.match(/warning: RegistryToken ci-\w+ is due for rotation/);
  });
});
