import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { limitYoungGenerationGrowth } from "../../provider/lifecycle/heapTuning";

/** The compiled modules, required by a child process (the flag is process-wide: never set it in mocha's). */
const MODULE = path.resolve(__dirname, "../../provider/lifecycle/heapTuning.js");
const PLUGIN_MAIN = path.resolve(__dirname, "../../provider/plugin/main.js");
const DYNAMIC_PROVIDER = path.resolve(__dirname, "../../provider/dynamic/glue.js");

/**
 * A child Node.js that runs `setup` (true: `limitYoungGenerationGrowth()`; false: nothing; or code), then
 * allocates objects that survive a few scavenges (as in-flight gRPC calls do) and reports the largest
 * young-generation size it saw, in bytes.
 */
function largestYoungGeneration(setup: boolean | string, nodeArgs: string[] = []): number {
  const code =
    setup === true
      ? `require(${JSON.stringify(MODULE)}).limitYoungGenerationGrowth();`
      : setup === false
        ? ""
        : setup;
  const script = `
    const v8 = require("v8");
    (async () => {
    ${code}
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size;
    let largest = size();
    let kept = [];
    for (let i = 0; i < 300000; i++) {
      kept.push({ i, text: "x".repeat(20) + i });
      if (kept.length > 20000) kept = [];
      if (i % 1000 === 0) largest = Math.max(largest, size());
    }
    process.stdout.write(String(largest));
    process.exit(0);
    })();`;
  const child = spawnSync(process.execPath, [...nodeArgs, "-e", script], { encoding: "utf8" });
  expect(child.status, child.stderr).to.equal(0);
  return Number(child.stdout);
}

describe("heap tuning: the provider's process keeps a small young generation", function () {
  this.timeout(60_000);

  it("holds the young generation well below what V8 grows it to by default", () => {
    const untuned = largestYoungGeneration(false);
    const tuned = largestYoungGeneration(true);
    expect(untuned, "V8's default growth under this load").to.be.at.least(16 * 1024 * 1024);
    expect(tuned).to.be.at.most(untuned / 2);
  });

  it("keeps a young-generation size the user gave node", () => {
    expect(limitYoungGenerationGrowth(["--max-semi-space-size=64"], undefined)).to.equal(false);
    expect(limitYoungGenerationGrowth([], "--max-old-space-size=512 --max_semi_space_size=32")).to.equal(
      false,
    );
    const sized = largestYoungGeneration(true, ["--max-semi-space-size=64"]);
    expect(sized, "their semi-spaces may grow as V8 decides").to.be.at.least(16 * 1024 * 1024);
  });

  it("the plugin, our own process, applies it at start-up", () => {
    const untuned = largestYoungGeneration(false);
    const plugin = largestYoungGeneration(`require(${JSON.stringify(PLUGIN_MAIN)});`);
    expect(plugin).to.be.at.most(untuned / 2);
  });

  it("the dynamic provider sets no V8 flag in Pulumi's host, which serves every dynamic provider of the program", () => {
    const tuned = largestYoungGeneration(true);
    const afterConfigure = largestYoungGeneration(`
      const { RegistryTokenProvider } = require(${JSON.stringify(DYNAMIC_PROVIDER)});
      await new RegistryTokenProvider().configure({ config: { get: () => undefined, require: () => "" } });`);
    expect(afterConfigure, "V8's own growth, as if our provider were not there").to.be.at.least(
      16 * 1024 * 1024,
    );
    expect(afterConfigure).to.be.at.least(tuned * 2);
  });
});
