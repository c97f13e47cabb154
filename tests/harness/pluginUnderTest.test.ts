/**
 * The plugin suites judge the executable they say they judge: this checkout's `bin/` script by default, or, with
 * PLUGIN_UNDER_TEST_DIR set (.ci/run sets it to the release's linux-amd64 executable for one Node.js line), a
 * self-contained executable there. A wrong folder would otherwise pass silently against whatever it holds.
 */
import { expect } from "chai";
import { readFileSync } from "fs";
import * as path from "path";
import { SEA_FUSE } from "../../scripts/release/seaExecutable";
import { CHECKOUT_PLUGIN_PATH, PLUGIN_PATH } from "../support/pluginUnderTest";

describe("the plugin under test", () => {
  it(
    process.env.PLUGIN_UNDER_TEST_DIR
      ? `is the self-contained executable in PLUGIN_UNDER_TEST_DIR (${process.env.PLUGIN_UNDER_TEST_DIR})`
      : "is this checkout's bin/ script (PLUGIN_UNDER_TEST_DIR is not set)",
    () => {
      const bytes = readFileSync(PLUGIN_PATH);
      if (process.env.PLUGIN_UNDER_TEST_DIR) {
        expect(path.dirname(PLUGIN_PATH)).to.equal(path.resolve(process.env.PLUGIN_UNDER_TEST_DIR));
        expect(bytes.subarray(0, 4).toString("latin1")).to.equal("\x7fELF");
        expect(bytes.includes(`${SEA_FUSE}:1`)).to.equal(true);
      } else {
        expect(PLUGIN_PATH).to.equal(CHECKOUT_PLUGIN_PATH);
        expect(bytes.subarray(0, 2).toString()).to.equal("#!");
      }
    },
  );
});
