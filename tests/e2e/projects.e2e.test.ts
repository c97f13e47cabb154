import { expect } from "chai";
import { randomBytes } from "crypto";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createProjectSandbox, type ProjectSandbox, type ProjectSource } from "../../scripts/projectSandbox";
import { requirePulumi } from "../support/pulumiCli";

const API_TOKEN = `e2e-proj-${randomBytes(12).toString("hex")}`;

describe("end to end: the root program run with `pulumi up`", function () {
  this.timeout(240_000);
  let emulator: RunningEmulator;
  const sandboxes: ProjectSandbox[] = [];

  before(async function () {
    // The first run may build the CLI (a few minutes): see requirePulumi.
    this.timeout(900_000);
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "projects" }] });
  });
  after(async () => {
    for (const sandbox of sandboxes) sandbox.dispose();
    await emulator?.close();
  });
  beforeEach(() => emulator?.clearRequests());

  const registryId = () => emulator.registries[0].id;
  const tokens = () => emulator.admin.listTokens(registryId());
  const writes = () =>
    emulator
      .requests()
      .filter((r) => r.method !== "GET")
      .map((r) => r.method);

  /** A project copy with a stack `dev` configured for the emulator. */
  async function project(source: ProjectSource): Promise<ProjectSandbox> {
    const sandbox = createProjectSandbox("e2e-projects", source);
    sandboxes.push(sandbox);
    await sandbox.pulumi(["stack", "init", "dev"]);
    await sandbox.pulumi(["config", "set", "registryId", registryId()]);
    await sandbox.pulumi(["config", "set", "ionoscloud:endpoint", emulator.url]);
    await sandbox.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: API_TOKEN });
    return sandbox;
  }

  async function outputs(sandbox: ProjectSandbox, showSecrets = false): Promise<Record<string, unknown>> {
    const args = ["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])];
    return JSON.parse((await sandbox.pulumi(args)).stdout) as Record<string, unknown>;
  }

  it("11. the root program (Pulumi.yaml + index.ts): up, no-change preview, destroy", async () => {
    const sandbox = await project({});
    const up = await sandbox.pulumi(["up", "--yes"]);
    expect(tokens()).to.have.length(1);
    expect(writes()).to.deep.equal(["POST"]);
    const shown = await outputs(sandbox);
    expect(shown.password).to.equal("[secret]");
    expect(shown.username).to.equal(tokens()[0].properties.name);
    const password = (await outputs(sandbox, true)).password as string;
    expect(password).to.be.a("string").with.length.greaterThan(8);
    expect(up.stdout + up.stderr).to.not.include(password);
    await sandbox.pulumi(["preview", "--expect-no-changes"]);
    await sandbox.pulumi(["destroy", "--yes"]);
    expect(tokens()).to.deep.equal([]);
  });
});
