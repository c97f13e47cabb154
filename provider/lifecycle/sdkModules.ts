/**
 * Modules that come with `@pulumi/pulumi` (a peer dependency): its gRPC library, protocol stubs and protobuf.
 * They are loaded from the SDK's own location, so the stubs and the messages built here share one protobuf
 * copy, and so that they resolve even where this package cannot reach the SDK's dependencies by name (a nested
 * or strict layout; only npm's flat layout is tested).
 */
import { createRequire } from "module";

/** `require` as the SDK itself resolves: `sdkRequire("@grpc/grpc-js")`. */
export function sdkRequire<T>(id: string): T {
  return createRequire(require.resolve("@pulumi/pulumi"))(id) as T;
}
