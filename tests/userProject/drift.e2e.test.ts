/**
 * Drift as a user meets it, the same scenarios in both modes with the real CLI: a TypeScript program with the
 * dynamic provider (the packed tarball) and a Pulumi YAML program with the plugin. A second actor disables the
 * token and grants it `push`; `pulumi refresh` records that; `pulumi preview --diff` must then name each
 * drifted property with the live value on the left and the declared one on the right; `up` restores it with
 * one PATCH — unless `ignoreChanges` says to keep it, for one key or `*`.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { apiWrites } from "../support/apiWrites";
import { requirePulumi } from "../support/pulumiCli";
import {
  createModeProject,
  initStack,
  MODES,
  writeProgram,
  type Mode,
  type ModeProject,
} from "../support/modeProject";

/**
 * The program of `mode`: one token with a chosen name (or, with `generated`, none: a generated one), enabled,
 * pull on `app`, and `ignoreChanges`.
 */
function program(mode: Mode, ignore: string[], generated = false): string {
  if (mode === "dynamic") {
    return `import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const token = new RegistryToken(
  "drifty",
  {
    registryId: config.require("registryId"),
    ${generated ? "" : 'name: "drift-dynamic",'}
    ${generated ? 'namePrefix: "planned",' : ""}
    status: "enabled",
    scopes: [{ name: "app", type: "repository", actions: ["pull"] }],
  },
  { ignoreChanges: ${JSON.stringify(ignore)} },
);
export const status = token.status;
`;
  }
  return `config:
  registryId:
    type: string
resources:
  drifty:
    type: ionos-registry-token:index:RegistryToken
    properties:
      registryId: \${registryId}
      ${generated ? "namePrefix: planned" : "name: drift-plugin"}
      status: enabled
      scopes:
        - name: app
          type: repository
          actions: [pull]
    options:
      ignoreChanges: ${JSON.stringify(ignore)}
outputs:
  status: \${drifty.status}
`;
}

for (const mode of MODES) {
  describe(`drift and ignoreChanges as the user sees them (${mode} mode, real CLI)`, function () {
    this.timeout(600_000);
    const apiToken = `drift-${randomBytes(12).toString("hex")}`;
    let emulator: RunningEmulator;
    let project: ModeProject;
    const registryId = () => emulator.registries[0].id;
    const live = () => emulator.admin.listTokens(registryId())[0];
    const write = (ignore: string[] = []) => writeProgram(project, mode, program(mode, ignore));
    /** A second actor disables the token and grants it push. */
    const drift = () =>
      emulator.admin.patchToken(registryId(), live().id, {
        status: "disabled",
        scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
      });

    before(async () => {
      requirePulumi();
      emulator = await startEmulator({
        credentials: { token: apiToken },
        registries: [{ name: `drift-${mode}` }],
      });
      project = await createModeProject({
        mode,
        project: `drift-${mode}`,
        passphrase: "drift",
        program: program(mode, []),
      });
      await initStack(project, mode, { endpoint: emulator.url, apiToken }, { registryId: registryId() });
      await project.pulumi(["up", "--yes"]);
    });
    after(async () => {
      project?.dispose();
      await emulator?.close();
    });

    it("preview --diff after a refresh names each drifted property, live value on the left", async () => {
      drift();
      emulator.clearRequests();
      await project.pulumi(["refresh", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal([]);
      const { stdout } = await project.pulumi(["preview", "--diff"]);
      expect(stdout).to.match(/~ status\s*: "disabled" => "enabled"/);
      // The scope keeps its place; the action the second actor granted is shown removed.
      expect(stdout).to.match(/- \[1\]: "push"/);
      expect(stdout).to.not.match(/"enabled" => "enabled"/);
      expect(apiWrites(emulator)).to.deep.equal([]);
    });

    it("up restores the declared values with one PATCH, and then previews no change", async () => {
      emulator.clearRequests();
      await project.pulumi(["up", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal(["PATCH 200"]);
      expect(live().properties.status).to.equal("enabled");
      expect(live().properties.scopes).to.deep.equal([
        { name: "app", type: "repository", actions: ["pull"] },
      ]);
      await project.pulumi(["preview", "--expect-no-changes"]);
    });

    it('ignoreChanges ["status"] keeps a drifted status; the other drift is still restored', async () => {
      write(["status"]);
      drift();
      await project.pulumi(["refresh", "--yes"]);
      emulator.clearRequests();
      await project.pulumi(["up", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal(["PATCH 200"]);
      expect(live().properties.status).to.equal("disabled");
      expect(live().properties.scopes).to.deep.equal([
        { name: "app", type: "repository", actions: ["pull"] },
      ]);
      await project.pulumi(["preview", "--expect-no-changes"]);
    });

    it('ignoreChanges ["scopes"] keeps drifted scopes', async () => {
      write(["scopes"]);
      emulator.admin.patchToken(registryId(), live().id, {
        status: "enabled",
        scopes: [{ name: "app", type: "repository", actions: ["pull", "delete"] }],
      });
      await project.pulumi(["refresh", "--yes"]);
      emulator.clearRequests();
      await project.pulumi(["up", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal([]);
      expect(live().properties.scopes).to.deep.equal([
        { name: "app", type: "repository", actions: ["pull", "delete"] },
      ]);
    });

    it('ignoreChanges ["*"] keeps every drift: no change, no write', async () => {
      write(["*"]);
      drift();
      await project.pulumi(["refresh", "--yes"]);
      emulator.clearRequests();
      await project.pulumi(["preview", "--expect-no-changes"]);
      await project.pulumi(["up", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal([]);
      expect(live().properties.status).to.equal("disabled");
    });

    it("a refresh without drift changes nothing in the stored inputs", async () => {
      const before = (await project.pulumi(["stack", "export"])).stdout;
      await project.pulumi(["refresh", "--yes"]);
      const after = (await project.pulumi(["stack", "export"])).stdout;
      const inputsOf = (text: string) =>
        (
          JSON.parse(text) as { deployment: { resources: Array<{ type: string; inputs?: unknown }> } }
        ).deployment.resources
          .filter((r) => r.type.endsWith("RegistryToken"))
          .map((r) => r.inputs);
      expect(inputsOf(after)).to.deep.equal(inputsOf(before));
    });

    it("destroy deletes the token", async () => {
      emulator.clearRequests();
      await project.pulumi(["destroy", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal(["DELETE 204"]);
    });

    it(`a saved plan with a generated name: ${mode === "plugin" ? "holds" : "is refused at up --plan, creating nothing (README)"}`, async () => {
      writeProgram(project, mode, program(mode, [], true));
      const plan = path.join(project.projectDir, "plan.json");
      const previewed = (await project.pulumi(["preview", "--save-plan", plan, "--diff"])).stdout;
      const planned = previewed.match(/name\s*: "(planned-[a-z0-9]{8})"/)?.[1];
      expect(planned, previewed).to.be.a("string");
      emulator.clearRequests();
      const up = project.pulumi(["up", "--yes", "--plan", plan]);
      if (mode === "plugin") {
        await up;
        expect(apiWrites(emulator)).to.deep.equal(["POST 201"]);
        expect(live().properties.name).to.equal(planned);
        await project.pulumi(["destroy", "--yes"]);
      } else {
        const refused = await up.then(
          () => "",
          (error: Error) => error.message,
        );
        expect(refused).to.match(/violates plan: properties changed: \+\+name/);
        expect(apiWrites(emulator)).to.deep.equal([]);
      }
    });
  });
}
