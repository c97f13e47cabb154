/**
 * Warnings for the person running Pulumi. The dynamic-provider host gets the engine's address as its first
 * argument but hands providers no logger: what a provider prints on stderr shows as an unlabelled message at
 * stack level. This sends a real warning through the engine's `Log` service (the gRPC stubs ship with
 * `@pulumi/pulumi`), so the CLI shows `warning:`; without an engine to reach, it falls back to stderr.
 */
import { sdkRequire } from "./sdkModules";

/** Only an address the engine itself could have given: `host:port`. */
const ADDRESS = /^[\w.-]+:\d{1,5}$/;

/** How long a warning may take to reach the engine before it is printed on stderr instead. */
const DEADLINE_MS = 5000;

/**
 * Sends `message` to the engine as a warning; resolves once it was delivered or printed. Never throws.
 * @param engineAddress - the engine's gRPC address; by default the process's last argument, where the engine
 *   puts it for every plugin (after any logging or tracing flags, such as `--logtostderr -v=9`)
 * @param urn - the resource the warning is about, when the caller knows it (the plugin does; the dynamic host
 *   hands providers no URN)
 */
export async function warnUser(
  message: string,
  engineAddress: string | undefined = process.argv[process.argv.length - 1],
  urn?: string,
): Promise<void> {
  const delivered =
    ADDRESS.test(engineAddress ?? "") && (await sendWarning(engineAddress as string, message, urn));
  if (!delivered) console.warn(`warning: ${message}`);
}

async function sendWarning(address: string, message: string, urn: string | undefined): Promise<boolean> {
  try {
    const grpc = sdkRequire<typeof import("@grpc/grpc-js")>("@grpc/grpc-js");
    const stubs = sdkRequire<typeof import("@pulumi/pulumi/proto/engine_grpc_pb")>(
      "@pulumi/pulumi/proto/engine_grpc_pb",
    );
    const pb = sdkRequire<typeof import("@pulumi/pulumi/proto/engine_pb")>("@pulumi/pulumi/proto/engine_pb");
    const client = new stubs.EngineClient(address, grpc.credentials.createInsecure());
    // With the resource's URN the CLI shows the warning under that resource, not under the stack.
    const request = new pb.LogRequest()
      .setSeverity(pb.LogSeverity.WARNING)
      .setMessage(message)
      .setUrn(urn ?? "");
    return await new Promise<boolean>((resolve) => {
      client.log(request, new grpc.Metadata(), { deadline: Date.now() + DEADLINE_MS }, (error) => {
        client.close();
        resolve(error === null);
      });
    });
  } catch {
    return false;
  }
}
