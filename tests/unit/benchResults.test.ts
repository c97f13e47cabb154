import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { writeResults } from "../../bench/report";

describe("bench results file: no password in bench/results.json", () => {
  it("redacts every password at any depth, keeping whether there was one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-results-"));
    try {
      const file = path.join(dir, "results.json");
      writeResults(file, {
        sections: {
          requests: { sample: { outs: { name: "a", password: "pw-from-the-emulator-1" } } },
          pluginRequests: {
            sample: [{ password: "pw-from-the-emulator-2" }, { password: "" }, { password: null }],
          },
        },
      });
      const text = readFileSync(file, "utf8");
      expect(text).to.not.include("pw-from-the-emulator");
      const written = JSON.parse(text) as {
        sections: { requests: { sample: { outs: object } }; pluginRequests: { sample: object[] } };
      };
      expect(written.sections.requests.sample.outs).to.deep.equal({ name: "a", password: "[redacted]" });
      expect(written.sections.pluginRequests.sample).to.deep.equal([
        { password: "[redacted]" },
        { password: "" },
        { password: null },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
