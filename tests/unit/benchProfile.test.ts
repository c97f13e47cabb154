import { expect } from "chai";
import { layerOfLocation, renderProfiles, ticksByLayer, type PreprocessedProfile } from "../../bench/profile";

describe("bench --profile: ticks by layer", () => {
  it("names the layer of a function by where V8 says it lives", () => {
    expect(layerOfLocation("*send /work/x/dist/provider/client/http.js:26:15")).to.equal("provider");
    expect(layerOfLocation("create /work/x/dist/bench/floors/pluginFloor.js:40:9")).to.equal("provider");
    expect(layerOfLocation("fetch /p/node_modules/node-fetch/lib/index.js:1437:15")).to.equal("node-fetch");
    expect(layerOfLocation("mb /p/node_modules/google-protobuf/google-protobuf.js:92:316")).to.equal(
      "google-protobuf",
    );
    expect(layerOfLocation("x /p/node_modules/@grpc/grpc-js/build/src/server.js:1:1")).to.equal(
      "@grpc/grpc-js",
    );
    expect(layerOfLocation("y /p/node_modules/@pulumi/pulumi/proto/provider_pb.js:1:1")).to.equal(
      "@pulumi/pulumi",
    );
    expect(layerOfLocation("z /p/node_modules/semver/index.js:1:1")).to.equal("other packages");
    expect(layerOfLocation("writeGeneric node:internal/stream_base_commons:151:22")).to.equal(
      "node: internals",
    );
    // The dynamic host evaluates the serialized provider from a string: no file.
    expect(layerOfLocation("create ")).to.equal("provider");
  });

  it("counts each tick once, for its nearest caller outside Node's own JavaScript", () => {
    const code: PreprocessedProfile["code"] = [
      { name: "/usr/bin/node", type: "SHARED_LIB" },
      { name: "epoll_pwait@@GLIBC_2.6", type: "CPP" },
      { name: "JsonParse", type: "CODE" },
      { name: "parseJson /w/dist/provider/client/http.js:9:1", type: "JS" },
      { name: "Readable.push node:internal/streams/readable:1:1", type: "JS" },
      { name: "consumeBody /w/node_modules/node-fetch/lib/index.js:1:1", type: "JS" },
      { name: "onStreamRead node:internal/stream_base_commons:1:1", type: "JS" },
    ];
    const tick = (vm: number, ...frames: number[]) => ({ vm, s: frames.flatMap((f) => [f, 0]) });
    const profile: PreprocessedProfile = {
      code,
      ticks: [
        tick(0, 2, 3), // a builtin called by ours: ours
        tick(0, 0, 4, 5), // Node's streams called by node-fetch: node-fetch's
        tick(0, 0, 6), // Node's own callback, no package: node internals
        tick(6, 1), // waiting for events: idle
        tick(1, 0), // GC with no JavaScript on the stack
        tick(1, 2, 3), // GC while ours ran: ours, and counted as GC too
        tick(6, -1), // unknown native
        tick(9, 3), // the profiler writing its log: neither provider's cost
      ],
    };
    const { total, gc, byLayer } = ticksByLayer(profile);
    expect(total).to.equal(8);
    expect(gc).to.equal(2);
    expect(byLayer).to.include({
      provider: 2,
      "node-fetch": 1,
      "node: internals": 1,
      "idle (waiting in epoll)": 1,
      "no JavaScript caller: GC": 1,
      "no JavaScript caller: other native": 1,
      "the profiler's own logging": 1,
    });
    const table = renderProfiles([
      { mode: "plugin", contender: "subject", totalTicks: total, gcTicks: gc, byLayer, processedPath: "" },
    ]);
    expect(table).to.include("| **busy (all but idle and the profiler's logging)** | 6 |");
  });
});
