import { expect } from "chai";
import { engineProfileArgs, parsePprofTop } from "../../bench/engineProfile";

/** A `go tool pprof -top -cum` listing shaped like the engine's (names and figures made up around real ones). */
const LISTING = `File: pulumi
Build ID: 0123
Type: cpu
Time: 2026-12-07 05:17:05 UTC
Duration: 2.29s, Total samples = 2.53s (110.58%)
Showing nodes accounting for 2.53s, 100% of 2.53s total
      flat  flat%   sum%        cum   cum%
         0     0%     0%      1.40s 55.34%  github.com/pulumi/pulumi/pkg/v3/backend.(*SnapshotManager).defaultServiceLoop
         0     0%     0%      1.34s 52.96%  github.com/pulumi/pulumi/pkg/v3/backend.(*SnapshotManager).saveSnapshot
         0     0%  0.79%      0.57s 22.53%  runtime.gcBgMarkWorker
     0.01s  0.4%  1.19%      0.20s  7.91%  runtime.gcBgMarkWorker.func2
      20ms  0.79%  1.98%       30ms  1.19%  github.com/pulumi/pulumi/pkg/v3/backend.(*SnapshotManager).saveSnapshotLater
`;

describe("bench: the engine's CPU profile (go tool pprof -top -cum)", () => {
  it("reads the total and the tracked functions' cumulative time, matching whole names only", () => {
    expect(parsePprofTop(LISTING)).to.deep.equal({ totalMs: 2530, snapshotMs: 1340, gcMs: 570 });
  });

  it("reads ms and µs durations, and a function missing from the listing as none", () => {
    const listing = LISTING.replace("Total samples = 2.53s", "Total samples = 980ms")
      .replace("1.34s 52.96%", "750us 52.96%")
      .split("\n")
      .filter((line) => !line.endsWith("runtime.gcBgMarkWorker"))
      .join("\n");
    const read = parsePprofTop(listing);
    expect(read.totalMs).to.equal(980);
    expect(read.snapshotMs).to.be.closeTo(0.75, 1e-9);
    expect(read.gcMs).to.equal(0);
  });

  it("refuses a listing without its total rather than report zeros", () => {
    expect(() => parsePprofTop("Showing nodes accounting for 0, 0% of 0 total\n")).to.throw(/Total samples/);
  });

  it("asks the CLI for its profile under the folder's engine prefix", () => {
    expect(engineProfileArgs("/tmp/p")).to.deep.equal(["--profiling", "/tmp/p/engine"]);
  });
});
