/**
 * Drives Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, the way the
 * engine does: spawn it, read its port from the first stdout line, Configure, then Check/Diff/Create/Read/
 * Update/Delete with plaintext payloads that carry `__provider`.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as readline from "readline";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
// The same installed copies @pulumi/pulumi uses: the generated serializers check `instanceof`.
const grpc = require("@grpc/grpc-js");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const pb = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The project root: the host resolves the provider's captured `require()` calls from its cwd. */
export const PROJECT_ROOT = path.resolve(__dirname, "../../..");

/** Project name the host uses to qualify config keys without a namespace. */
export const PROJECT = "proj";

type Props = Record<string, unknown>;

/** Check answer. */
export interface HostCheck {
  inputs: Props;
  failures: Array<{ property: string; reason: string }>;
}

/** Diff answer; `changes` is 0 unknown, 1 none, 2 some (the protocol's enum). */
export interface HostDiff {
  changes: number;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A running host plus a typed client. `output()` is everything it printed (for leak scans). */
export interface ProviderHost {
  /** The host process's id (e.g. to read its memory figures from `/proc`). */
  readonly pid: number;
  configure(config: Record<string, string>): Promise<void>;
  check(olds: Props, news: Props): Promise<HostCheck>;
  diff(id: string, olds: Props, news: Props): Promise<HostDiff>;
  create(props: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, props: Props, inputs?: Props): Promise<{ id: string; properties: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<Props>;
  delete(id: string, props: Props): Promise<void>;
  output(): string;
  close(): Promise<void>;
}

/** Options for {@link startProviderHost}. */
export interface ProviderHostOptions {
  /** Extra environment; IONOS_* variables of the test process are never inherited. */
  env?: Record<string, string>;
  /** The host's working directory, from which it resolves the provider's `require()` calls. @default PROJECT_ROOT */
  cwd?: string;
  /** The engine address the host is started with (where a provider's warnings go). @default an unreachable one */
  engineAddress?: string;
  /** The Node binary that runs the host (the bench measures more than one line). @default this process's */
  node?: string;
  /** Node options put before the host's script (the bench's profiles pass `--prof`). @default none */
  nodeArgs?: readonly string[];
}

/** Spawns the host and connects a client. */
export async function startProviderHost(options: ProviderHostOptions = {}): Promise<ProviderHost> {
  const env: Record<string, string> = { PULUMI_NODEJS_PROJECT: PROJECT };
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("IONOS_")) env[k] = v;
  Object.assign(env, options.env);
  const child = spawn(
    options.node ?? process.execPath,
    [
      ...(options.nodeArgs ?? []),
      require.resolve("@pulumi/pulumi/cmd/dynamic-provider"),
      options.engineAddress ?? "127.0.0.1:1",
    ],
    {
      cwd: options.cwd ?? PROJECT_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const port = await firstLine(child, (line) => (output += `${line}\n`));
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method: string, request: unknown): Promise<any> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: any, response: any) =>
        error ? reject(hostError(error)) : resolve(response),
      ),
    );
  const struct = (value: Props) => Struct.fromJavaScript(value);

  return {
    pid: child.pid!,
    async configure(config) {
      const req = new pb.ConfigureRequest();
      req.setArgs(struct(config));
      await call("configure", req);
    },
    async check(olds, news) {
      const req = new pb.CheckRequest();
      req.setUrn(`urn:pulumi:dev::${PROJECT}::pulumi-nodejs:dynamic/ionos:RegistryToken::t`);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call("check", req);
      return {
        inputs: res.getInputs()?.toJavaScript() ?? {},
        failures: res
          .getFailuresList()
          .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, olds, news) {
      const req = new pb.DiffRequest();
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call("diff", req);
      return {
        changes: res.getChanges(),
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(props) {
      const req = new pb.CreateRequest();
      req.setProperties(struct(props));
      const res = await call("create", req);
      return { id: res.getId(), properties: res.getProperties().toJavaScript() };
    },
    async read(id, props, inputs) {
      const req = new pb.ReadRequest();
      req.setId(id);
      req.setProperties(struct(props));
      if (inputs) req.setInputs(struct(inputs));
      const res = await call("read", req);
      return {
        id: res.getId(),
        properties: res.getProperties()?.toJavaScript() ?? {},
        inputs: res.getInputs()?.toJavaScript(),
      };
    },
    async update(id, olds, news) {
      const req = new pb.UpdateRequest();
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      return (await call("update", req)).getProperties().toJavaScript();
    },
    async delete(id, props) {
      const req = new pb.DeleteRequest();
      req.setId(id);
      req.setProperties(struct(props));
      await call("delete", req);
    },
    output: () => output,
    async close() {
      client.close();
      await stop(child);
    },
  };
}

/** A gRPC failure as a plain Error whose message is what the engine would show. */
function hostError(error: any): Error {
  return Object.assign(new Error(error.details ?? error.message), { code: error.code });
}

function firstLine(child: ChildProcess, onLaterLine: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    let port: number | undefined;
    lines.on("line", (line) => {
      if (port === undefined) {
        port = Number(line.trim());
        resolve(port);
      } else {
        onLaterLine(line);
      }
    });
    child.once(
      "exit",
      (code) => port === undefined && reject(new Error(`provider host exited with ${code} before listening`)),
    );
  });
}

function stop(child: ChildProcess): Promise<void> {
  // A child killed by a signal has a null exitCode but a signalCode: it has exited too, and will not again.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
