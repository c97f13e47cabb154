import { expect } from "chai";
import { randomBytes } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { requirePulumi } from "../support/pulumiCli";
import { createUserProject, nodeArgsForThisNode, type UserProject } from "../support/userProject";

const API_TOKEN = `examples-${randomBytes(12).toString("hex")}`;
const DAY = 24 * 3600_000;

/**
 * Every example, copied out of the repository as a user would, with the tarball beside it and `npm install`
 * (the README's steps), then run by the real CLI against the emulator.
 */
describe("examples, installed from the tarball outside the repository", function () {
  this.timeout(600_000);
  let emulator: RunningEmulator;
  const projects: UserProject[] = [];

  before(async function () {
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "examples" }] });
  });
  after(async () => {
    for (const project of projects) project.dispose();
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

  /** The example `name` as a user project with a stack `dev` configured for the emulator. */
  async function example(name: string): Promise<UserProject> {
    const project = await createUserProject("examples", {
      name,
      copyFrom: path.join(REPO_ROOT, "examples", name),
    });
    projects.push(project);
    const nodeargs = nodeArgsForThisNode();
    if (nodeargs !== undefined) {
      // The README's Node 26 note, applied as a user would.
      const file = path.join(project.projectDir, "Pulumi.yaml");
      const doc = parseDocument(readFileSync(file, "utf8"));
      doc.setIn(["runtime", "options", "nodeargs"], nodeargs);
      writeFileSync(file, doc.toString());
    }
    await project.pulumi(["stack", "init", "dev"]);
    await project.pulumi(["config", "set", "registryId", registryId()]);
    await project.pulumi(["config", "set", "ionoscloud:endpoint", emulator.url]);
    await project.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: API_TOKEN });
    return project;
  }

  async function outputs(project: UserProject, showSecrets = false): Promise<Record<string, unknown>> {
    const args = ["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])];
    return JSON.parse((await project.pulumi(args)).stdout) as Record<string, unknown>;
  }

  /** No warning of any kind in what a run printed (ExperimentalWarning, EBADENGINE, `warning:` lines). */
  function expectClean(run: { stdout: string; stderr: string }): void {
    expect(run.stdout + run.stderr).to.not.match(/ExperimentalWarning|DeprecationWarning|^\s*warning:/m);
  }

  it("quickstart: up, outputs, no-change preview, destroy", async () => {
    const project = await example("quickstart");
    expectClean(await project.pulumi(["up", "--yes"]));
    const [token] = tokens();
    expect(token.properties.scopes).to.deep.equal([{ name: "*", type: "repository", actions: ["pull"] }]);
    const shown = await outputs(project);
    expect(shown.password).to.equal("[secret]");
    expect(shown.username).to.equal(token.properties.name);
    await project.pulumi(["preview", "--expect-no-changes"]);
    await project.pulumi(["destroy", "--yes"]);
    expect(tokens()).to.deep.equal([]);
  });

  it("ci-push-token: push + pull on one path, expiring about 90 days after creation", async () => {
    const project = await example("ci-push-token");
    const before = Date.now();
    expectClean(await project.pulumi(["up", "--yes"]));
    const [token] = tokens();
    expect(token.properties.scopes).to.deep.equal([
      { name: "team-a/app", type: "repository", actions: ["pull", "push"] },
    ]);
    const shown = await outputs(project);
    expect(shown.expiryDate).to.equal(token.properties.expiryDate);
    const expiry = Date.parse(shown.expiryDate as string);
    // Planned when the token is, rounded up to the second.
    expect(expiry).to.be.within(before + 90 * DAY - 2000, Date.now() + 90 * DAY + 1000);
    await project.pulumi(["destroy", "--yes"]);
    expect(tokens()).to.deep.equal([]);
  });

  it("rotation: no change before the window, replacement (new token first) inside it, and on a trigger", async () => {
    const project = await example("rotation");
    await project.pulumi(["up", "--yes"]);
    const [first] = tokens();
    const firstPassword = (await outputs(project, true)).password;
    const at = (ms: number) => ({
      env: { IONOS_REGISTRY_TOKEN_CLOCK: new Date(ms).toISOString().replace(/\.\d+Z$/, "Z") },
    });
    const expiry = Date.parse(first.properties.expiryDate as string);

    await project.pulumi(["preview", "--expect-no-changes"], at(expiry - 8 * DAY));

    const preview = await project.pulumi(["preview", "--diff"], at(expiry - 6 * DAY));
    expect(preview.stdout).to.match(/\+-pulumi-nodejs:dynamic\/ionos:RegistryToken: \(replace\)/);
    expect(preview.stdout + preview.stderr).to.match(
      /warning: RegistryToken rotating-\w+ is due for rotation: expires .*; rotateBefore 7d was reached at /,
    );
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"], at(expiry - 6 * DAY));
    expect(writes()).to.deep.equal(["POST", "DELETE"]);
    const [second] = tokens();
    expect(second.id).to.not.equal(first.id);
    expect((await outputs(project, true)).password).to.not.equal(firstPassword);

    await project.pulumi(["config", "set", "generation", "2"]);
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["POST", "DELETE"]);
    expect(tokens().map((t) => t.id)).to.not.include(second.id);
    await project.pulumi(["destroy", "--yes"]);
    expect(tokens()).to.deep.equal([]);
  });

  it("adopt-existing: exports the four properties of a token made elsewhere, and destroy leaves it alone", async () => {
    // A second actor (the console, another tool) made this token.
    const made = await new EmulatorApi(emulator.url, bearerAuth(API_TOKEN)).request(
      "POST",
      `/registries/${registryId()}/tokens`,
      {
        body: {
          properties: {
            name: "made-elsewhere",
            status: "disabled",
            expiryDate: "2031-05-06T07:08:09Z",
            scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
          },
        },
      },
    );
    expect(made.status).to.equal(201);
    const project = await example("adopt-existing");
    await project.pulumi([
      "config",
      "set",
      "--plaintext",
      "tokenResourceId",
      `${registryId()}/${made.json.id}`,
    ]);
    emulator.clearRequests();
    expectClean(await project.pulumi(["up", "--yes"]));
    expect(writes()).to.deep.equal([]);
    expect(await outputs(project)).to.deep.equal({
      name: "made-elsewhere",
      status: "disabled",
      expiryDate: "2031-05-06T07:08:09Z",
      scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
    });
    await project.pulumi(["destroy", "--yes"]);
    expect(writes()).to.deep.equal([]);
    expect(tokens().map((t) => t.properties.name)).to.include("made-elsewhere");
  });

  it("kubernetes-pull-secret: the preview plans the token and reaches the Kubernetes provider", async () => {
    const project = await example("kubernetes-pull-secret");
    await project.pulumi(["config", "set", "registryHost", "myregistry.cr.de-fra.ionos.com"]);
    const preview = await project.pulumi(["preview", "--diff"]).then(
      (run) => run.stdout + run.stderr,
      (err: { stdout: string; stderr: string }) => err.stdout + err.stderr,
    );
    // The token is planned by our provider; the Secret needs the kubernetes plugin, which a user installs
    // with `pulumi plugin install` (plugin downloads are off here, and the engine names the plugin).
    expect(preview).to.match(/\+ pulumi-nodejs:dynamic\/ionos:RegistryToken: \(create\)/);
    expect(preview).to.match(/no resource plugin 'pulumi-resource-kubernetes' found/);
    expect(writes()).to.deep.equal([]);
  });
});
