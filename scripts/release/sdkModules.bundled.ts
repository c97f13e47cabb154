/**
 * `provider/sdkModules.ts` as the release bundle has it. In the npm package the plugin loads these modules from
 * the user's `@pulumi/pulumi` at run time, by a computed path a bundler cannot follow; the self-contained
 * plugin carries them instead, each named here literally so that the bundler includes it. One copy of
 * google-protobuf in the bundle keeps stubs and messages compatible, as loading them beside the SDK does.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const MODULES: Readonly<Record<string, () => unknown>> = {
  "@grpc/grpc-js": () => require("@grpc/grpc-js"),
  "@pulumi/pulumi/proto/engine_grpc_pb": () => require("@pulumi/pulumi/proto/engine_grpc_pb"),
  "@pulumi/pulumi/proto/engine_pb": () => require("@pulumi/pulumi/proto/engine_pb"),
  "@pulumi/pulumi/proto/plugin_pb": () => require("@pulumi/pulumi/proto/plugin_pb"),
  "@pulumi/pulumi/proto/provider_grpc_pb": () => require("@pulumi/pulumi/proto/provider_grpc_pb"),
  "@pulumi/pulumi/proto/provider_pb": () => require("@pulumi/pulumi/proto/provider_pb"),
  "google-protobuf/google/protobuf/empty_pb": () => require("google-protobuf/google/protobuf/empty_pb"),
  "google-protobuf/google/protobuf/struct_pb": () => require("google-protobuf/google/protobuf/struct_pb"),
};

/** `require` of a module the bundle carries. @throws naming the module when the bundle lacks it */
export function sdkRequire<T>(id: string): T {
  const load = MODULES[id];
  if (load === undefined) {
    throw new Error(`${id} is not in the plugin bundle: add it to scripts/release/sdkModules.bundled.ts`);
  }
  return load() as T;
}
