import { expect } from "chai";
import { randomBytes } from "crypto";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createProjectSandbox, type ProjectSandbox, type ProjectSource } from "../../scripts/projectSandbox";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { requirePulumi } from "../support/pulumiCli";

const API_TOKEN = `e2e-proj-${randomBytes(12).toString("hex")}`;
const DAY = 24 * 3600_000;

describe("end to end: Pulumi projects run with `pulumi up` as a user would", function () {
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

  it("examples/quickstart runs end to end", async () => {
    const sandbox = await project({
      dir: path.join(REPO_ROOT, "examples/quickstart"),
      files: ["Pulumi.yaml", "index.ts", "package.json"],
      links: ["node_modules"],
    });
    await sandbox.pulumi(["up", "--yes"]);
    const [token] = tokens();
    expect(token.properties.scopes).to.deep.equal([{ name: "*", type: "repository", actions: ["pull"] }]);
    expect((await outputs(sandbox)).password).to.equal("[secret]");
    await sandbox.pulumi(["destroy", "--yes"]);
    expect(tokens()).to.deep.equal([]);
  });

  it("examples/rotation: no change before the window, replacement (new token first) inside it, and on a trigger", async () => {
    const sandbox = await project({
      dir: path.join(REPO_ROOT, "examples/rotation"),
      files: ["Pulumi.yaml", "index.ts", "package.json"],
      links: ["node_modules"],
    });
    await sandbox.pulumi(["up", "--yes"]);
    const [first] = tokens();
    const firstPassword = (await outputs(sandbox, true)).password;
    const at = (ms: number) => ({
      env: { IONOS_REGISTRY_TOKEN_CLOCK: new Date(ms).toISOString().replace(/\.\d+Z$/, "Z") },
    });
    const expiry = Date.parse(first.properties.expiryDate as string);

    // Before the 7-day window: a scheduled run changes nothing.
    await sandbox.pulumi(["preview", "--expect-no-changes"], at(expiry - 8 * DAY));

    // Inside the window: the preview shows a replacement and says why; up creates the new token first.
    const preview = await sandbox.pulumi(["preview", "--diff"], at(expiry - 6 * DAY));
    expect(preview.stdout).to.match(/\+-pulumi-nodejs:dynamic\/ionos:RegistryToken: \(replace\)/);
    expect(preview.stdout + preview.stderr).to.match(
      /rotating-\w+ is due for rotation: expires .*; rotateBefore 7d was reached at /,
    );
    emulator.clearRequests();
    await sandbox.pulumi(["up", "--yes"], at(expiry - 6 * DAY));
    expect(writes()).to.deep.equal(["POST", "DELETE"]);
    const [second] = tokens();
    expect(second.id).to.not.equal(first.id);
    expect((await outputs(sandbox, true)).password).to.not.equal(firstPassword);
    expect(Date.parse(second.properties.expiryDate as string)).to.be.greaterThan(expiry);

    // A rotation trigger replaces at once.
    await sandbox.pulumi(["config", "set", "generation", "2"]);
    emulator.clearRequests();
    await sandbox.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["POST", "DELETE"]);
    expect(tokens().map((t) => t.id)).to.not.include(second.id);
    await sandbox.pulumi(["destroy", "--yes"]);
    expect(tokens()).to.deep.equal([]);
  });
});
