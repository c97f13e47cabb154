import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { requireRegistryTools } from "../../scripts/registryClients";
import { requirePulumi } from "../support/pulumiCli";

/** The README's main job (`npm start`), run as a user would. */
describe("end to end: the main job (npm start)", function () {
  this.timeout(180_000);

  before(function () {
    // The first run may build the CLI (a few minutes): see requirePulumi.
    this.timeout(900_000);
    requirePulumi();
    requireRegistryTools();
  });

  it("shows preview, up with the password as [secret], a pull with the stack's token, drift, refresh, up, destroy, and leaves no token", async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist/scripts/demo.js")], {
        cwd: REPO_ROOT,
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("close", (exitCode) => resolve({ code: exitCode, output }));
    });
    expect(code, output).to.equal(0);
    const order = [
      "pulumi preview",
      "pulumi up",
      "Meanwhile CI pushes",
      "skopeo — pulls",
      "Out of band",
      "pulumi refresh",
      "pulumi up",
      "pulumi destroy",
      "Done",
    ];
    let at = 0;
    for (const step of order) {
      const next = output.indexOf(`=== ${step}`, at);
      expect(next, `step "${step}" in order`).to.be.greaterThan(-1);
      at = next + 1;
    }
    expect(output).to.match(/password\s+:\s+\[secret\]/);
    expect(output).to.match(/~ 1 updated/);
    expect(output).to.include("0 token(s) left in the emulator");
    // skopeo's own words for a pull that copied the image.
    expect(output.slice(output.indexOf("=== skopeo"))).to.match(
      /Copying blob sha256:[0-9a-f]{64}[\s\S]*Writing manifest to image destination/,
    );
  });
});
