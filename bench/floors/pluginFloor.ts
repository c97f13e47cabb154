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

/** A floor token's schema: the inputs a program gives `RegistryToken`, nothing more. */
const TOKEN_RESOURCE_SCHEMA = {
  type: "object",
  inputProperties: {
    registryId: { type: "string" },
    scopes: { type: "array", items: { $ref: "pulumi.json#/Any" } },
    status: { type: "string" },
  },
  requiredInputs: ["registryId"],
  properties: { tokenId: { type: "string" }, password: { type: "string", secret: true } },
};

/**
 * The floor's package schema, so that a Pulumi YAML program can declare `floor:index:Token` resources (the
 * big-stack section runs one through the real CLI).
 */
const FLOOR_SCHEMA = {
  name: "floor",
  version: "0.0.0",
  config: { variables: { endpoint: { type: "string" }, token: { type: "string", secret: true } } },
  resources: {
    "floor:index:Token": TOKEN_RESOURCE_SCHEMA,
    // The same floor storing what RegistryToken stores (see SHAPED_TYPE), declared alike.
    "floor:index:ShapedToken": TOKEN_RESOURCE_SCHEMA,
  },
};

/**
 * A second resource type: the floor with `RegistryToken`'s state shape — the inputs Check stores (a generated
 * name, its prefix, the default status) and all 13 outputs, unset ones as null, the password a secret, unknowns at
 * preview — and still none of its work. The engine's cost per resource grows with the properties a resource
 * carries (it serializes every resource so far into a snapshot after each step), so ours against this floor is
 * what our own code costs; the big-stack section checks the two stacks' state shapes agree before it times them.
 */
const SHAPED_TYPE = "floor:index:ShapedToken";
/** The outputs RegistryToken stores as null when unset. */
const NULL_WHEN_UNSET = ["namePrefix", "expiresIn", "rotateBefore", "rotationTriggers", "expiryDate"];
/** Pulumi's unknown value and secret wrapper, as they cross the protocol. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const secret = (value: unknown) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value,
});

const isShaped = (urn: string) => urn.split("::")[2] === SHAPED_TYPE;
const resourceName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** Check of the shaped type: a name drawn once (`<resource name>-<8 characters>`), its prefix, the status. */
function shapedInputs(urn: string, news: Props): Props {
  if (typeof news.name === "string") return { status: "enabled", ...news };
  const prefix = resourceName(urn);
  return {
    status: "enabled",
    ...news,
    name: `${prefix}-${Math.random().toString(36).slice(2, 10)}`,
    namePrefix: prefix,
  };
}

/** The shaped type's outputs: every RegistryToken output, from the inputs and what the API assigned. */
function shapedOutputs(
  inputs: Props,
  assigned: { tokenId: string; createdDate: string; password: string },
): Props {
  const unset = Object.fromEntries(NULL_WHEN_UNSET.map((key) => [key, null]));
  return { ...unset, ...inputs, ...assigned, username: inputs.name, password: secret(assigned.password) };
}

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
    new provproto.CheckResponse().setInputs(
      isShaped(request.getUrn())
        ? toStruct(shapedInputs(request.getUrn(), plain(request.getNews())))
        : request.getNews(),
    ),
  ),
  diff: unary(async (request: provproto.DiffRequest) => {
    const changed = plain(request.getOlds()).status !== plain(request.getNews()).status;
    const { DiffChanges } = provproto.DiffResponse;
    return new provproto.DiffResponse().setChanges(changed ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE);
  }),
  create: unary(async (request: provproto.CreateRequest) => {
    // A preview makes no request (the engine asks because Configure said it supports previews), as ours.
    const shaped = isShaped(request.getUrn());
    if (request.getPreview()) {
      if (!shaped) return new provproto.CreateResponse().setProperties(request.getProperties());
      const unknowns = { tokenId: UNKNOWN, createdDate: UNKNOWN, password: UNKNOWN };
      return new provproto.CreateResponse().setProperties(
        toStruct(shapedOutputs(plain(request.getProperties()), unknowns)),
      );
    }
    const inputs = plain(request.getProperties());
    const registryId = String(inputs.registryId);
    const name = shaped
      ? String(inputs.name)
      : `${resourceName(request.getUrn())}-${Math.random().toString(36).slice(2, 10)}`;
    const token = await client().create(registryId, name, inputs.scopes);
    const outputs = shaped
      ? shapedOutputs(inputs, { createdDate: new Date().toISOString().slice(0, 19) + "Z", ...token })
      : { ...inputs, ...token, name };
    return new provproto.CreateResponse()
      .setId(`${registryId}/${token.tokenId}`)
      .setProperties(toStruct(outputs));
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
