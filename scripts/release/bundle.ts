/**
 * The provider plugin as one self-contained file: the compiled `dist/provider/plugin/main.js` (run `npm run build`
 * first) and everything it loads at run time (grpc-js, Pulumi's protocol stubs, google-protobuf, node-fetch, and
 * package.json for the version) bundled by esbuild, so that a plugin tarball needs no `npm install` — only
 * Node.js on PATH. The compiled code, not the sources: its relative paths are the ones the npm package runs.
 */
import { build, type Plugin } from "esbuild";
import * as path from "path";
import { REPO_ROOT } from "../pulumiCli";

/** The oldest Node.js line the bundle targets and the launcher accepts (package.json `engines`). */
export const MIN_NODE_MAJOR = 22;

/** Swaps the SDK-relative loader for one that names each module, so the bundler can include them. */
const bundledSdkModules: Plugin = {
  name: "bundled-sdk-modules",
  setup(context) {
    context.onResolve({ filter: /\/sdkModules$/ }, () => ({
      path: path.join(REPO_ROOT, "dist", "scripts", "release", "sdkModules.bundled.js"),
    }));
  },
};

/** Bundles the plugin into `outfile`; returns the bytes written. Deterministic: the same sources, the same bytes. */
export async function bundlePlugin(outfile: string): Promise<number> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, "dist", "provider", "plugin", "main.js")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${MIN_NODE_MAJOR}`,
    minify: true,
    // Error messages keep their function names; stack traces stay readable.
    keepNames: true,
    legalComments: "eof",
    plugins: [bundledSdkModules],
    logLevel: "warning",
    metafile: true,
  });
  return Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
}
