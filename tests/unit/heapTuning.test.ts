import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { limitYoungGenerationGrowth } from "../../provider/lifecycle/heapTuning";

/** The compiled module, required by a child process (the flag is process-wide: never set it in mocha's). */
const MODULE = path.resolve(__dirname, "../../provider/lifecycle/heapTuning.js");

/**
 * A child Node.js that optionally calls `limitYoungGenerationGrowth()`, then allocates objects that survive a
 * few scavenges (as in-flight gRPC calls do) and reports the largest young-generation size it saw, in bytes.
 */
function largestYoungGeneration(tuned: boolean, nodeArgs: string[] = []): number {
  const script = `
    const v8 = require("v8");
    if (${tuned}) require(${JSON.stringify(MODULE)}).limitYoungGenerationGrowth();
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size;
    let largest = size();
    let kept = [];
    for (let i = 0; i < 300000; i++) {
      kept.push({ i, text: "x".repeat(20) + i });
      if (kept.length > 20000) kept = [];
      if (i % 1000 === 0) largest = Math.max(largest, size());
    }
    process.stdout.write(String(largest));`;
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
});
