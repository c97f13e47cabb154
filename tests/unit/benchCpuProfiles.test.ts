import { expect } from "chai";
import { profileByLayer, roleOf, type CpuProfile } from "../../bench/cpuProfiles";

describe("bench --profile-big-stack: CPU samples by process and layer", () => {
  it("tells the program, the dynamic-provider host and a plugin apart by their command lines", () => {
    expect(roleOf(["/n/node", "/p/node_modules/@pulumi/pulumi/cmd/run", "."])).to.equal("program");
    expect(
      roleOf(["/n/node", "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider", "127.0.0.1:1"]),
    ).to.equal("dynamic-provider host");
    expect(roleOf(["/n/node", "/r/bin/pulumi-resource-ionos-registry-token", "127.0.0.1:1"])).to.equal(
      "plugin",
    );
    expect(roleOf(["/n/node", "/r/bench/floors/pulumi-resource-floor", "127.0.0.1:1"])).to.equal("plugin");
    expect(roleOf(["/n/node", "/tmp/x.js"])).to.equal("other");
  });

  it("counts each sample's time for its nearest caller outside Node's own JavaScript", () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
      id,
      callFrame: { functionName, url },
      children,
    });
    const profile: CpuProfile = {
      nodes: [
        frame(1, "(root)", "", [2, 3, 4, 7]),
        frame(2, "(idle)", ""),
        frame(3, "(garbage collector)", ""),
        frame(4, "send", "file:///w/dist/provider/client/http.js", [5]),
        frame(5, "fetch", "file:///p/node_modules/node-fetch/lib/index.js", [6]),
        frame(6, "Readable.push", "node:internal/streams/readable"),
        frame(7, "processTicksAndRejections", "node:internal/process/task_queues"),
      ],
      samples: [2, 3, 4, 6, 6, 7],
      timeDeltas: [1000, 2000, 3000, 500, 500, 4000],
    };
    expect(profileByLayer(profile)).to.include({
      "idle (waiting in epoll)": 1,
      "no JavaScript caller: GC": 2,
      provider: 3,
      "node-fetch": 1,
      "node: internals": 4,
    });
  });
});
