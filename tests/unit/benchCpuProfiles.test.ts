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

  it("counts the profiler's own flushes apart, and a builtin for its caller", () => {
    const frame = (
      id: number,
      functionName: string,
      url: string,
      scriptId: string,
      children: number[] = [],
    ) => ({
      id,
      callFrame: { functionName, url, scriptId },
      children,
    });
    const profile: CpuProfile = {
      nodes: [
        frame(1, "(root)", "", "0", [2, 4, 5, 7]),
        // The probe's flush: Profiler.stop through node:inspector.
        frame(2, "flush", "file:///w/dist/bench/probes/cpuProfile.js", "12", [3]),
        frame(3, "post", "node:inspector", "30"),
        // A builtin with nothing above it is native work; under the serialized provider (no URL, but a script) it
        // is the provider's.
        frame(4, "runMicrotasks", "", "0"),
        frame(5, "create", "", "57", [6]),
        frame(6, "dispatch", "", "0"),
        frame(7, "check", "file:///w/dist/provider/rules/validate.js", "40"),
      ],
      samples: [3, 4, 6, 7],
      timeDeltas: [8000, 1000, 2000, 3000],
    };
    expect(profileByLayer(profile)).to.include({
      "the profiler's own logging": 8,
      "no JavaScript caller: other native": 1,
      provider: 5,
    });
  });
});
