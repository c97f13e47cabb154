/**
 * The plugin-mode floor: the least a provider plugin can do over Pulumi's ResourceProvider gRPC protocol —
 * Configure keeps the endpoint and API token, Check passes the inputs through, Diff compares `status`, and
 * Create/Read/Update/Delete make one request each (`floorApi.ts`). It is served the way `RegistryToken`'s plugin
 * is (grpc-js on a loopback port printed to stdout), by `bench/floors/pulumi-resource-floor`.
 */
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { floorApi, type FloorApi } from "./floorApi";

type Props = Record<string, unknown>;

/**
 * The floor's package schema, so that a Pulumi YAML program can declare `floor:index:Token` resources (the
 * big-stack section runs one through the real CLI): the inputs a program gives `RegistryToken`, nothing more.
 */
const FLOOR_SCHEMA = {
  name: "floor",
  version: "0.0.0",
  config: { variables: { endpoint: { type: "string" }, token: { type: "string", secret: true } } },
  resources: {
    "floor:index:Token": {
      type: "object",
      inputProperties: {
        registryId: { type: "string" },
        scopes: { type: "array", items: { $ref: "pulumi.json#/Any" } },
        status: { type: "string" },
      },
      requiredInputs: ["registryId"],
      properties: { tokenId: { type: "string" }, password: { type: "string", secret: true } },
    },
  },
};

let api: FloorApi | undefined;

const plain = (struct: Struct | undefined): Props => (struct?.toJavaScript() ?? {}) as Props;
const toStruct = (value: Props): Struct => Struct.fromJavaScript(value as never);
const client = (): FloorApi => {
  if (!api) throw new Error("the floor plugin was not configured");
  return api;
};
const idParts = (id: string): [string, string] => id.split("/") as [string, string];

/** Adapts an async handler to grpc-js, as the plugin does. */
function unary<Req, Res>(handler: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: Error) => callback({ code: grpc.status.UNKNOWN, details: error.message } as grpc.ServiceError),
    );
  };
}

const implementation = {
  getPluginInfo: unary(async () => new plugproto.PluginInfo().setVersion("0.0.0")),
  getSchema: unary(async () => new provproto.GetSchemaResponse().setSchema(JSON.stringify(FLOOR_SCHEMA))),
  configure: unary(async (request: provproto.ConfigureRequest) => {
    const variables = request.getVariablesMap();
    // Driven over gRPC by the bench as `RegistryToken`'s plugin is (its keys), or by the CLI as package `floor`.
    const setting = (name: string) =>
      variables.get(`ionos-registry-token:config:${name}`) ?? variables.get(`floor:config:${name}`) ?? "";
    api = floorApi(setting("endpoint"), setting("token"));
    return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true);
  }),
  check: unary(async (request: provproto.CheckRequest) =>
    new provproto.CheckResponse().setInputs(request.getNews()),
  ),
  diff: unary(async (request: provproto.DiffRequest) => {
    const changed = plain(request.getOlds()).status !== plain(request.getNews()).status;
    const { DiffChanges } = provproto.DiffResponse;
    return new provproto.DiffResponse().setChanges(changed ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE);
  }),
  create: unary(async (request: provproto.CreateRequest) => {
    // A preview makes no request (the engine asks because Configure said it supports previews), as ours.
    if (request.getPreview()) return new provproto.CreateResponse().setProperties(request.getProperties());
    const inputs = plain(request.getProperties());
    const registryId = String(inputs.registryId);
    const name = request.getUrn().slice(request.getUrn().lastIndexOf("::") + 2);
    const token = await client().create(
      registryId,
      `${name}-${Math.random().toString(36).slice(2, 10)}`,
      inputs.scopes,
    );
    return new provproto.CreateResponse()
      .setId(`${registryId}/${token.tokenId}`)
      .setProperties(toStruct({ ...inputs, ...token, name }));
  }),
  read: unary(async (request: provproto.ReadRequest) => {
    await client().read(...idParts(request.getId()));
    return new provproto.ReadResponse()
      .setId(request.getId())
      .setProperties(request.getProperties())
      .setInputs(request.getInputs());
  }),
  update: unary(async (request: provproto.UpdateRequest) => {
    if (request.getPreview()) return new provproto.UpdateResponse().setProperties(request.getNews());
    const news = plain(request.getNews());
    await client().setStatus(...idParts(request.getId()), String(news.status));
    return new provproto.UpdateResponse().setProperties(
      toStruct({ ...plain(request.getOlds()), status: news.status }),
    );
  }),
  delete: unary(async (request: provproto.DeleteRequest) => {
    await client().remove(...idParts(request.getId()));
    return new Empty();
  }),
  cancel: unary(async () => new Empty()),
};

const server = new grpc.Server();
server.addService(
  provrpc.ResourceProviderService,
  implementation as unknown as grpc.UntypedServiceImplementation,
);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`floor plugin: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
