/**
 * Which plugin executable the plugin-mode suites run. By default this checkout's `bin/` script (the npm package's
 * way: `dist/` and `node_modules` on the node on PATH). With `PLUGIN_UNDER_TEST_DIR` set, the executable in that
 * folder instead: .ci/run points it at the release's linux-amd64 executable (Node.js inside) for one Node.js
 * line's end-to-end run, so every plugin suite (the two modes' differential suite among them) also judges what
 * users install.
 */
import * as path from "path";
import { PROJECT_ROOT } from "./providerHost";

/** The executable's file name, as the engine looks for it. */
export const PLUGIN_FILE_NAME = "pulumi-resource-ionos-registry-token";

/** This checkout's plugin folder (`bin/`). */
export const CHECKOUT_PLUGIN_DIR = path.join(PROJECT_ROOT, "bin");

/** The folder holding the plugin under test, as a project names it in `plugins.providers`. */
export const PLUGIN_BIN_DIR = process.env.PLUGIN_UNDER_TEST_DIR
  ? path.resolve(process.env.PLUGIN_UNDER_TEST_DIR)
  : CHECKOUT_PLUGIN_DIR;

/** The plugin executable under test. */
export const PLUGIN_PATH = path.join(PLUGIN_BIN_DIR, PLUGIN_FILE_NAME);

/** This checkout's plugin executable, whatever is under test (the bench compares against it). */
export const CHECKOUT_PLUGIN_PATH = path.join(CHECKOUT_PLUGIN_DIR, PLUGIN_FILE_NAME);
