import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

/** The compiled entry points, required by a child process (V8 flags are process-wide: never in mocha's). */
const PLUGIN_MAIN = path.resolve(__dirname, "../../provider/plugin/main.js");
const DYNAMIC_PROVIDER = path.resolve(__dirname, "../../provider/dynamic/glue.js");

/**
 * A child Node.js that runs `setup`, then allocates objects that survive a few scavenges (as in-flight gRPC
 * calls do) and reports the largest young-generation size it saw, in bytes: V8 grows it under this load unless
 * a flag (`--semi-space-growth-factor`, `--max-semi-space-size`) says otherwise.
 */
function largestYoungGeneration(setup: string): number {
  const script = `
    const v8 = require("v8");
    (async () => {
    ${setup}
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size;
    let largest = size();
    let kept = [];
    for (let i = 0; i < 300000; i++) {
      kept.push({ i, text: "x".repeat(20) + i });
      if (kept.length > 20000) kept = [];
      if (i % 1000 === 0) largest = Math.max(largest, size());
    }
    process.stdout.write("\\n" + String(largest));
    process.exit(0);
    })();`;
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect(child.status, child.stderr).to.equal(0);
  // The last line: a plugin prints its port first.
  return Number(child.stdout.trim().split("\n").pop());
}

describe("V8 flags: neither mode sizes the heap of the process it runs in", function () {
  this.timeout(60_000);
  /** What V8 grows the young generation to under this load, and with it held (the probe can tell them apart). */
  let untouched: number;
  let held: number;

  before(() => {
    untouched = largestYoungGeneration("");
    held = largestYoungGeneration('v8.setFlagsFromString("--semi-space-growth-factor=1");');
    expect(untouched, "V8's default growth under this load").to.be.at.least(16 * 1024 * 1024);
    expect(held, "a held young generation stays well below it").to.be.at.most(untouched / 2);
  });

  it("the dynamic provider sets no V8 flag in Pulumi's host, which serves every dynamic provider of the program", () => {
    const afterConfigure = largestYoungGeneration(`
      const { RegistryTokenProvider } = require(${JSON.stringify(DYNAMIC_PROVIDER)});
      await new RegistryTokenProvider().configure({ config: { get: () => undefined, require: () => "" } });`);
    expect(afterConfigure).to.be.at.least(untouched * 0.75);
  });

  it("the plugin leaves V8's heap sizing as it is (the bench judges its memory against the floor's)", () => {
    // Started as its bin/ starts it, and given the time to bind its port: a flag set at start-up or once serving
    // shows. Its Configure handler calls the same runtime.configure as the dynamic provider (the test above).
    const afterStartUp = largestYoungGeneration(`
      require(${JSON.stringify(PLUGIN_MAIN)});
      await new Promise((resolve) => setTimeout(resolve, 500));`);
    // Against V8's own growth, not the held size: the plugin's modules grow the young generation while they
    // load, so a flag set after them holds it at about a third of V8's own (measured), not at the start size.
    expect(afterStartUp).to.be.at.least(untouched * 0.75);
  });
});
