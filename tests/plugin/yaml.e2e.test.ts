import { expect } from "chai";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { writeFileSync } from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createProjectSandbox, type ProjectSandbox } from "../../scripts/projectSandbox";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { PROJECT_ROOT } from "../support/providerHost";
import { requirePulumi } from "../support/pulumiCli";

const API_TOKEN = `yaml-${randomBytes(12).toString("hex")}`;
const TYPE = "ionos-registry-token:index:RegistryToken";

/** Pulumi YAML's language host, built like the CLI (scripts/ensure-pulumi-yaml.sh): its bin dir. */
function yamlHostDir(): string {
  const out = execFileSync("bash", [path.join(PROJECT_ROOT, "scripts", "ensure-pulumi-yaml.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop()!;
}

/** A Pulumi YAML program using the plugin from this repository's `bin/`. */
function program(yamlHost: string): string {
  return `name: yaml-tokens
runtime: yaml
plugins:
  languages:
    - name: yaml
      path: ${yamlHost}
  providers:
    - name: ionos-registry-token
      path: ${path.join(PROJECT_ROOT, "bin")}
config:
  registryId:
    type: string
resources:
  pull:
    type: ${TYPE}
    properties:
      registryId: \${registryId}
      status: enabled
      scopes:
        - name: "*"
          type: repository
          actions: [pull]
outputs:
  name: \${pull.name}
  status: \${pull.status}
  password: \${pull.password}
`;
}

describe("plugin mode: a Pulumi YAML program uses RegistryToken through the plugin (real CLI)", function () {
  this.timeout(600_000);
  let emulator: RunningEmulator;
  let project: ProjectSandbox;

  before(async function () {
    requirePulumi();
    const yamlHost = yamlHostDir();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "yaml" }] });
    project = createProjectSandbox("yaml-plugin", { files: [], links: [] });
    writeFileSync(path.join(project.projectDir, "Pulumi.yaml"), program(yamlHost));
    await project.pulumi(["stack", "init", "dev"]);
    await project.pulumi(["config", "set", "registryId", registryId()]);
    await project.pulumi(["config", "set", "ionos-registry-token:endpoint", emulator.url]);
    await project.pulumi(["config", "set", "--secret", "ionos-registry-token:token"], { input: API_TOKEN });
  });
  after(async () => {
    project?.dispose();
    await emulator?.close();
  });

  const registryId = () => emulator.registries[0].id;
  const live = () => emulator.admin.listTokens(registryId());
  const writes = () =>
    emulator
      .requests()
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.status}`);
  const outputs = async (secrets = false) =>
    JSON.parse(
      (await project.pulumi(["stack", "output", "--json", ...(secrets ? ["--show-secrets"] : [])])).stdout,
    ) as Record<string, string>;

  it("up creates the token with one POST; the password is a secret output and ciphertext in the state", async () => {
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["POST 201"]);
    const [token] = live();
    const shown = await outputs();
    expect(shown.name)
      .to.equal(token.properties.name)
      .and.match(/^pull-[a-z0-9]{8}$/);
    expect(shown.password).to.equal("[secret]");
    const password = (await outputs(true)).password;
    expect(password).to.be.a("string").with.length.above(8);
    const state = (await project.pulumi(["stack", "export"])).stdout;
    expect(state).to.not.include(password);
    expect(state).to.match(/"password":\s*\{\s*"4dabf18193072939515e22adb298388d":[^}]*"ciphertext"/);
  });

  it("refresh records a second actor's change; the next up restores it with one PATCH, the password kept", async () => {
    const before = (await outputs(true)).password;
    emulator.admin.patchToken(registryId(), live()[0].id, { status: "disabled" });
    emulator.clearRequests();
    await project.pulumi(["refresh", "--yes"]);
    expect(writes()).to.deep.equal([]);
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["PATCH 200"]);
    expect(live()[0].properties.status).to.equal("enabled");
    expect((await outputs(true)).password).to.equal(before);
    await project.pulumi(["preview", "--expect-no-changes"]);
  });

  it("plain `pulumi import` adopts a token made elsewhere (password empty); destroy deletes what the stack has", async () => {
    const made = emulator.admin.listTokens(registryId());
    expect(made).to.have.length(1);
    // A second actor's token, adopted by ID.
    const other = await new EmulatorApi(emulator.url, bearerAuth(API_TOKEN)).request(
      "POST",
      `/registries/${registryId()}/tokens`,
      { body: { properties: { name: "made-elsewhere", scopes: [] } } },
    );
    expect(other.status).to.equal(201);
    const otherId = other.json.id as string;
    emulator.clearRequests();
    await project.pulumi([
      "import",
      TYPE,
      "adopted",
      `${registryId()}/${otherId}`,
      "--yes",
      "--protect=false",
      "--out",
      path.join(project.projectDir, "adopted.yaml"),
    ]);
    expect(writes()).to.deep.equal([]);
    const state = JSON.parse((await project.pulumi(["stack", "export"])).stdout) as {
      deployment: { resources: Array<{ urn: string; outputs?: Record<string, unknown> }> };
    };
    const adopted = state.deployment.resources.find((r) => r.urn.endsWith("::adopted"));
    expect(adopted?.outputs?.name).to.equal("made-elsewhere");
    emulator.clearRequests();
    await project.pulumi(["destroy", "--yes"]);
    expect(writes().sort()).to.deep.equal(["DELETE 204", "DELETE 204"]);
    expect(live()).to.deep.equal([]);
  });
});
