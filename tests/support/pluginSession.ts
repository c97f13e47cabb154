/**
 * The provider plugin (bin/pulumi-resource-ionos-registry-token) spawned the way the engine runs it, and a small
 * client that speaks Pulumi's ResourceProvider gRPC protocol to it with plain objects: the plugin-mode
 * counterpart of hostSession.ts, shared by the plugin, fault, secret-scan suites and the bench.
 */
import { spawn, type ChildProcess } from "child_process";
import { createInterface } from "readline";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { SIG_KEY as SECRET_KEY, SECRET_SIG } from "../../provider/plugin/wire";

/** Plain property bags as they cross the gRPC boundary. */
export type Props = Record<string, unknown>;

/** The plugin executable under test (this checkout's `bin/` unless PLUGIN_UNDER_TEST_DIR names another). */
import { PLUGIN_PATH } from "./pluginUnderTest";
export { PLUGIN_PATH };
export { CHECKOUT_PLUGIN_PATH } from "./pluginUnderTest";
/** How long the plugin may take to print its port: a cold Node start on a loaded 2-core machine is seconds. */
const START_TIMEOUT_MS = 30_000;

/** The key that marks a special value in a Struct, and the signature of a secret (the plugin's own constants). */
export { SECRET_KEY, SECRET_SIG };

/** `value` wrapped as a secret, as the engine sends and expects it. */
export const secretValue = (value: unknown): Props => ({ [SECRET_KEY]: SECRET_SIG, value });

/** The URN the engine would give a `RegistryToken` named `name`. */
export const pluginUrn = (name: string): string => `urn:pulumi:dev::proj::${PLUGIN_TOKEN_TYPE}::${name}`;

/** A unary method of a grpc-js client, called with a request and a Node-style callback. */
type UnaryMethod = (request: unknown, callback: (error: Error | null, response: unknown) => void) => void;

/** A resource as the engine holds it after a create, read or update (outputs with the password wrapped). */
export interface PluginResource {
  id: string;
  inputs: Props;
  outs: Props;
}

/** The result of a diff, as the engine reads it. */
export interface PluginDiff {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
}

/** A check's answer: the checked inputs, and the failures (empty when the inputs are valid). */
export interface PluginCheck {
  inputs: Props;
  failures: Array<{ property: string; reason: string }>;
}

/** Options of {@link startPluginSession}. */
export interface PluginSessionOptions {
  /**
   * Keep what the plugin writes to stderr (see {@link PluginSession.output}) instead of passing it through to
   * the test's own stderr: the leak-scanning suites must read every byte the plugin printed.
   * @default false
   */
  captureStderr?: boolean;
  /** The plugin executable. @default this checkout's `bin/pulumi-resource-ionos-registry-token` */
  executable?: string;
  /** A command that runs the executable (e.g. an emulator of another CPU and its arguments). @default none */
  runner?: readonly string[];
}

/** A running plugin and a client over its gRPC port. */
export interface PluginSession {
  child: ChildProcess;
  client: provrpc.ResourceProviderClient;
  /** Any unary method by its grpc-js name (`check`, `create`…), with a protobuf request. */
  call<Res>(method: string, request: unknown): Promise<Res>;
  /** Configure with provider config values (`token`, `endpoint`… without the package prefix). */
  configure(config: Record<string, string>): Promise<void>;
  /** Check: the checked inputs, or throws listing the failures (`property: reason`). */
  check(name: string, news: Props, olds?: Props): Promise<Props>;
  /** Check, answering the failures instead of throwing on them (to test the failures themselves). */
  checkAnswer(name: string, news: Props, olds?: Props): Promise<PluginCheck>;
  /** Check → create, as `pulumi up` does for a new resource. */
  up(name: string, news: Props): Promise<PluginResource>;
  /** Create of checked inputs (`preview` answers without API calls). */
  create(name: string, inputs: Props, preview?: boolean): Promise<PluginResource>;
  diff(name: string, resource: PluginResource, news: Props): Promise<PluginDiff>;
  update(name: string, resource: PluginResource, news: Props, preview?: boolean): Promise<PluginResource>;
  /** Read (refresh); `undefined` when the provider says the resource is gone. */
  read(name: string, resource: PluginResource): Promise<PluginResource | undefined>;
  delete(name: string, resource: PluginResource): Promise<void>;
  /** What the plugin wrote to stderr so far; empty unless started with `captureStderr`. */
  output(): string;
  /** Closes the client and stops the plugin. */
  close(): Promise<void>;
}

const struct = (value: Props) => Struct.fromJavaScript(value as never);
const plainOf = (value: Struct | undefined): Props => (value?.toJavaScript() ?? {}) as Props;

/**
 * Spawns the plugin with an (unused) engine address, as the engine does, and waits for the port it prints.
 * `IONOS_*` variables are removed from its environment unless given in `env`, so only Configure counts.
 */
export async function startPluginSession(
  env: Record<string, string> = {},
  options: PluginSessionOptions = {},
): Promise<PluginSession> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("IONOS_")));
  const [command, ...args] = [...(options.runner ?? []), options.executable ?? PLUGIN_PATH, "127.0.0.1:1"];
  const child = spawn(command as string, args, {
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", options.captureStderr ? "pipe" : "inherit"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // A plugin that cannot start (not executable, no node) or hangs fails this call, not the whole test process.
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(`the plugin printed no port within ${START_TIMEOUT_MS} ms${stderr ? `: ${stderr}` : ""}`),
      );
    }, START_TIMEOUT_MS);
    const settle = (settler: () => void) => {
      clearTimeout(timer);
      settler();
    };
    createInterface({ input: child.stdout! }).once("line", (line) => settle(() => resolve(line.trim())));
    child.once("error", (error) =>
      settle(() => reject(new Error(`cannot start the plugin: ${error.message}`))),
    );
    child.once("exit", (code) =>
      settle(() => reject(new Error(`plugin exited with ${code}${stderr ? `: ${stderr}` : ""}`))),
    );
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <Res>(method: string, request: unknown): Promise<Res> =>
    new Promise((resolve, reject) =>
      (client as unknown as Record<string, UnaryMethod>)[method](request, (error, response) =>
        error ? reject(error) : resolve(response as Res),
      ),
    );

  const session: PluginSession = {
    child,
    client,
    call,
    async configure(config) {
      const request = new provproto.ConfigureRequest();
      for (const [key, value] of Object.entries(config)) {
        request.getVariablesMap().set(`ionos-registry-token:config:${key}`, value);
      }
      await call("configure", request);
    },
    async check(name, news, olds = {}) {
      const { inputs, failures } = await session.checkAnswer(name, news, olds);
      const listed = failures.map((f) => `${f.property}: ${f.reason}`);
      if (listed.length > 0) throw new Error(`check failed: ${listed.join("; ")}`);
      return inputs;
    },
    async checkAnswer(name, news, olds = {}) {
      const answer = await call<provproto.CheckResponse>(
        "check",
        new provproto.CheckRequest().setUrn(pluginUrn(name)).setOlds(struct(olds)).setNews(struct(news)),
      );
      return {
        inputs: plainOf(answer.getInputs()),
        failures: answer.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async create(name, inputs, preview = false) {
      const answer = await call<provproto.CreateResponse>(
        "create",
        new provproto.CreateRequest()
          .setUrn(pluginUrn(name))
          .setProperties(struct(inputs))
          .setPreview(preview),
      );
      return { id: answer.getId(), inputs, outs: plainOf(answer.getProperties()) };
    },
    async up(name, news) {
      return session.create(name, await session.check(name, news));
    },
    async diff(name, resource, news) {
      const answer = await call<provproto.DiffResponse>(
        "diff",
        new provproto.DiffRequest()
          .setId(resource.id)
          .setUrn(pluginUrn(name))
          .setOlds(struct(resource.outs))
          .setOldInputs(struct(resource.inputs))
          .setNews(struct(news)),
      );
      const kinds = provproto.DiffResponse.DiffChanges;
      const changes = answer.getChanges();
      return {
        changes: changes === kinds.DIFF_NONE ? "none" : changes === kinds.DIFF_SOME ? "some" : "unknown",
        replaces: answer.getReplacesList(),
        deleteBeforeReplace: answer.getDeletebeforereplace(),
        diffs: answer.getDiffsList(),
      };
    },
    async update(name, resource, news, preview = false) {
      const answer = await call<provproto.UpdateResponse>(
        "update",
        new provproto.UpdateRequest()
          .setId(resource.id)
          .setUrn(pluginUrn(name))
          .setOlds(struct(resource.outs))
          .setOldInputs(struct(resource.inputs))
          .setNews(struct(news))
          .setPreview(preview),
      );
      return { id: resource.id, inputs: news, outs: plainOf(answer.getProperties()) };
    },
    async read(name, resource) {
      const answer = await call<provproto.ReadResponse>(
        "read",
        new provproto.ReadRequest()
          .setId(resource.id)
          .setUrn(pluginUrn(name))
          .setProperties(struct(resource.outs))
          .setInputs(struct(resource.inputs)),
      );
      if (answer.getId() === "") return undefined;
      return {
        id: answer.getId(),
        inputs: plainOf(answer.getInputs()),
        outs: plainOf(answer.getProperties()),
      };
    },
    async delete(name, resource) {
      await call(
        "delete",
        new provproto.DeleteRequest()
          .setId(resource.id)
          .setUrn(pluginUrn(name))
          .setProperties(struct(resource.outs))
          .setOldInputs(struct(resource.inputs)),
      );
    },
    output: () => stderr,
    async close() {
      client.close();
      // A child killed by a signal has a null exitCode but a signalCode: it has exited already.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
    },
  };
  return session;
}
