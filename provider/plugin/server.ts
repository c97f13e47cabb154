/**
 * The provider plugin: the same rules and lifecycle as the dynamic provider (runtime.ts), served over Pulumi's
 * ResourceProvider gRPC protocol, so that programs in any language can use `RegistryToken`. Only this thin layer
 * differs between the two modes: it unwraps secrets, wraps the password as one, answers previews without API
 * calls, and reads the provider configuration from Configure.
 */
import type * as Grpc from "@grpc/grpc-js";
import type * as ProviderRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderProto from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginProto from "@pulumi/pulumi/proto/plugin_pb";
import type * as EmptyProto from "google-protobuf/google/protobuf/empty_pb";
import type * as StructProto from "google-protobuf/google/protobuf/struct_pb";
import { warnUser } from "../lifecycle/engineLog";
import { withUnsetAsNull } from "../rules/mapping";
import { sdkRequire } from "../lifecycle/sdkModules";
import { PLUGIN_CONFIG_KEYS, settingMistakes } from "../lifecycle/settings";
import { namePrefixFrom, resourceNameOf } from "../rules/naming";
import { outputsDerivedFrom } from "../rules/secretness";
import * as runtime from "../lifecycle/runtime";
import type { TokenInputs, TokenOutputs } from "../rules/types";
import { UNKNOWN } from "../rules/unknown";
import { PACKAGE_VERSION } from "../lifecycle/version";
import { watchEngine } from "./engineWatch";
import { FUNCTIONS, PACKAGE_NAME, pluginSchema } from "./schema";
import { revealed, unwrapped, withSecrets, type Unwrapped } from "./wire";

type Props = Record<string, unknown>;

const grpc = sdkRequire<typeof Grpc>("@grpc/grpc-js");
const provrpc = sdkRequire<typeof ProviderRpc>("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = sdkRequire<typeof ProviderProto>("@pulumi/pulumi/proto/provider_pb");
const plugproto = sdkRequire<typeof PluginProto>("@pulumi/pulumi/proto/plugin_pb");
const { Empty } = sdkRequire<typeof EmptyProto>("google-protobuf/google/protobuf/empty_pb");
const { Struct } = sdkRequire<typeof StructProto>("google-protobuf/google/protobuf/struct_pb");
type Struct = StructProto.Struct;

/** The provider config settings, by the short names a program sets (`ionos-registry-token:<name>`). */
const SETTINGS = Object.values(PLUGIN_CONFIG_KEYS).map((key) => key.slice(`${PACKAGE_NAME}:`.length));

/** The key of this plugin's run-time state in runtime.ts (one provider instance per plugin process). */
const instance = {};

/**
 * A request's property bag decoded once (Struct → JavaScript is the plugin's costliest step) and unwrapped:
 * the plain values the rules work on, and which properties came in secret.
 */
const decoded = (struct: Struct | undefined): Unwrapped => unwrapped((struct?.toJavaScript() ?? {}) as Props);
const plain = (struct: Struct | undefined): Props => decoded(struct).plain;
const toStruct = (value: Props) =>
  Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);

/** `secret` plus every output derived from one of its properties (`secretness.ts`). */
function withDerived(secret: ReadonlySet<string>): Set<string> {
  return new Set([...secret, ...outputsDerivedFrom(secret)]);
}

/**
 * Outputs as the engine must store them: the password a secret, and every property that came in secret (in
 * `secret`, found by `unwrapped` on the request) secret again, with what is derived from it.
 */
function outputs(outs: Props, secret: ReadonlySet<string> = new Set()): Struct {
  const keys = withDerived(secret).add("password");
  return toStruct(withSecrets({ ...outs, password: outs.password ?? "" }, keys));
}

/** Inputs as the engine must store them: every property that came in secret, secret again. */
function inputsStruct(inputs: Props, secret: ReadonlySet<string>): Struct {
  return toStruct(withSecrets(inputs, withDerived(secret)));
}

type Handler<Req, Res> = (request: Req) => Promise<Res>;

/** Adapts an async handler to grpc-js: a thrown error becomes the call's error, with its message. */
function unary<Req, Res>(handler: Handler<Req, Res>): Grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: Error) =>
        callback({ code: grpc.status.UNKNOWN, details: error.message } as Grpc.ServiceError, null),
    );
  };
}

const implementation = {
  getPluginInfo: unary(async () => new plugproto.PluginInfo().setVersion(PACKAGE_VERSION)),
  getSchema: unary(async () => new provproto.GetSchemaResponse().setSchema(pluginSchema())),
  checkConfig: unary(async (request: ProviderProto.CheckRequest) => {
    const news = (request.getNews()?.toJavaScript() ?? {}) as Props;
    // `version` and `pluginDownloadURL` are the engine's own keys on every provider's config.
    const allowed = [...SETTINGS, "version", "pluginDownloadURL"];
    const response = new provproto.CheckResponse().setInputs(request.getNews());
    const fail = (property: string, reason: string) =>
      response.addFailures(new provproto.CheckFailure().setProperty(property).setReason(reason));
    for (const key of Object.keys(news).filter((k) => !allowed.includes(k))) {
      fail(key, `"${key}" is not a setting of ${PACKAGE_NAME}; expected one of ${allowed.join(", ")}`);
    }
    // Bad values fail the preview, naming the key, rather than the first API call of an up.
    // The engine may send a setting typed by the schema (a number) or as the config's text.
    const values = Object.fromEntries(
      Object.entries(revealed(news) as Props)
        .filter(([, v]) => typeof v === "string" || typeof v === "number")
        .map(([k, v]) => [k, String(v)]),
    ) as Record<string, string>;
    for (const { setting, reason } of settingMistakes(values, (v) => v !== UNKNOWN)) {
      fail(setting, `${PLUGIN_CONFIG_KEYS[setting]}: ${reason}`);
    }
    return response;
  }),
  configure: unary(async (request: ProviderProto.ConfigureRequest) => {
    const variables = request.getVariablesMap();
    // The engine sends `ionos-registry-token:config:<name>` for the key a program sets as `ionos-registry-token:<name>`.
    const read = (key: string) =>
      key.startsWith(`${PACKAGE_NAME}:`)
        ? variables.get(`${PACKAGE_NAME}:config:${key.slice(PACKAGE_NAME.length + 1)}`)
        : undefined;
    await runtime.configure(
      instance,
      { config: { get: read, require: (key: string) => read(key) ?? "" } } as never,
      PLUGIN_CONFIG_KEYS,
    );
    return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true);
  }),
  check: unary(async (request: ProviderProto.CheckRequest) => {
    const requested = decoded(request.getNews());
    const news = {
      ...requested.plain,
      defaultNamePrefix: namePrefixFrom(resourceNameOf(request.getUrn())),
    };
    const { inputs, failures } = await runtime.check(
      plain(request.getOlds()),
      news as Partial<TokenInputs>,
      [],
      request.getRandomseed_asU8(),
    );
    const response = new provproto.CheckResponse().setInputs(
      inputsStruct(inputs as unknown as Props, requested.secret),
    );
    for (const f of failures ?? []) {
      response.addFailures(new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));
    }
    return response;
  }),
  diff: unary(async (request: ProviderProto.DiffRequest) => {
    const news = plain(request.getNews());
    const result = await runtime.diffDetails(
      plain(request.getOlds()) as never,
      news as never,
      request.getUrn(),
    );
    const { DiffChanges } = provproto.DiffResponse;
    const response = new provproto.DiffResponse()
      .setChanges(result.changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
      .setReplacesList(result.replaces)
      .setDeletebeforereplace(result.deleteBeforeReplace)
      .setDiffsList([...result.replaces, ...result.updates])
      .setHasdetaileddiff(true);
    // What changes, by the provider's own comparison (scopes as sets, dates as instants): the CLI shows exactly
    // these properties instead of comparing lists element by element. A change between the stored inputs and
    // the program's is an input diff (the CLI shows old => new inputs); one that only the stored outputs show (a
    // drifted expiry the provider planned, which the stored inputs keep) is not, so the CLI shows the live output
    // on the left instead of the same planned value on both sides.
    const oldInputs = plain(request.getOldInputs());
    const inputDiff = (key: string) =>
      JSON.stringify(oldInputs[key] ?? null) !== JSON.stringify(news[key] ?? null);
    const details = response.getDetaileddiffMap();
    const { Kind } = provproto.PropertyDiff;
    for (const key of result.replaces)
      details.set(
        key,
        new provproto.PropertyDiff().setKind(Kind.UPDATE_REPLACE).setInputdiff(inputDiff(key)),
      );
    for (const key of result.updates)
      details.set(key, new provproto.PropertyDiff().setKind(Kind.UPDATE).setInputdiff(inputDiff(key)));
    return response;
  }),
  create: unary(async (request: ProviderProto.CreateRequest) => {
    const { plain: inputs, secret } = decoded(request.getProperties());
    if (request.getPreview()) {
      // No API call at preview: what the API will assign is unknown, the password a secret.
      const planned = {
        ...withUnsetAsNull(inputs as Partial<TokenInputs>),
        tokenId: UNKNOWN,
        createdDate: UNKNOWN,
      };
      return new provproto.CreateResponse().setProperties(
        outputs({ ...planned, username: inputs.name ?? UNKNOWN, password: UNKNOWN }, secret),
      );
    }
    const created = await runtime.create(instance, inputs as unknown as TokenInputs);
    return new provproto.CreateResponse()
      .setId(created.id)
      .setProperties(outputs(created.outs as unknown as Props, secret));
  }),
  read: unary(async (request: ProviderProto.ReadRequest) => {
    const { plain: props, secret } = decoded(request.getProperties());
    const { plain: stored, secret: secretInputs } = decoded(request.getInputs());
    for (const key of secretInputs) secret.add(key);
    const result = await runtime.read(
      instance,
      request.getId(),
      props as unknown as TokenOutputs,
      stored as Partial<TokenInputs>,
    );
    const response = new provproto.ReadResponse().setId(result.id ?? "");
    if (!result.id) return response;
    // A refresh keeps the stored inputs unless a declared property drifted; an import reports the token's.
    const inputs = (result.inputs as unknown as Props | undefined) ?? stored;
    if (typeof props.tokenId !== "string") {
      // A read by ID alone is an import or a `get`: the token's password cannot be had. Refreshes carry the
      // stored outputs, so they keep the empty password without a word.
      await warnUser(
        `RegistryToken ${String(inputs.name)} (${request.getId()}) was read by its ID alone (an import or a get): ` +
          "its password is empty, because the API shows a password only when a token is created. Rotate it " +
          "(rotationTriggers, or `pulumi up --replace`) when you need one.",
      );
    }
    return response
      .setProperties(outputs(result.props as unknown as Props, secret))
      .setInputs(inputsStruct(inputs, secret));
  }),
  update: unary(async (request: ProviderProto.UpdateRequest) => {
    const olds = plain(request.getOlds());
    const { plain: news, secret } = decoded(request.getNews());
    if (request.getPreview()) {
      // What the update will store: an optional input the program no longer sets becomes null, as it does then.
      const planned = { ...olds, ...withUnsetAsNull(news as Partial<TokenInputs>), password: olds.password };
      return new provproto.UpdateResponse().setProperties(outputs(planned as Props, secret));
    }
    const { outs } = await runtime.update(instance, request.getId(), olds as never, news as never);
    return new provproto.UpdateResponse().setProperties(outputs(outs as unknown as Props, secret));
  }),
  delete: unary(async (request: ProviderProto.DeleteRequest) => {
    await runtime.delete(instance, request.getId());
    return new Empty();
  }),
  invoke: unary(async (request: ProviderProto.InvokeRequest) => {
    const { plain: args, secret: secretArgs } = decoded(request.getArgs());
    const token = request.getTok();
    const result =
      token === FUNCTIONS.getRegistryToken
        ? await runtime.getToken(instance, args as never)
        : token === FUNCTIONS.getRegistryTokens
          ? await runtime.getTokens(instance, args as never)
          : undefined;
    if (result === undefined) throw new Error(`unknown function ${token}`);
    // What a look-up answers is about the token its arguments name: a secret argument makes all of it secret.
    const answer = result as unknown as Props;
    const secret = secretArgs.size > 0 ? new Set(Object.keys(answer)) : new Set<string>();
    return new provproto.InvokeResponse().setReturn(toStruct(withSecrets(answer, secret)));
  }),
  cancel: unary(async () => new Empty()),
};

/**
 * Starts the plugin's gRPC server on a loopback port and prints the port, as the engine expects; exits when the
 * engine is gone (engineWatch.ts).
 */
export async function servePlugin(): Promise<void> {
  // Watched from before the port is printed: the engine may be killed the moment it reads the port, and a
  // parent read after that would already be the one this process was re-parented to.
  watchEngine({
    onGone: (reason) => {
      // Nobody is left to answer or to record results; a create in flight is what `pending` finds later.
      process.stderr.write(`pulumi-resource-ionos-registry-token: exiting: ${reason}\n`);
      process.exit(1);
    },
  });
  const server = new grpc.Server();
  server.addService(
    provrpc.ResourceProviderService,
    implementation as unknown as Grpc.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  process.stdout.write(`${port}\n`);
}
