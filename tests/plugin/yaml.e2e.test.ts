import { expect } from "chai";
import { randomBytes } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { SIG_KEY } from "../../provider/plugin/wire";
import { createProjectSandbox, type ProjectSandbox } from "../../scripts/projectSandbox";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { yamlLanguageHostDir } from "../support/generatedSdk";
import { PROJECT_ROOT } from "../support/providerHost";
import { requirePulumi } from "../support/pulumiCli";
import { apiWrites } from "../support/apiWrites";

const API_TOKEN = `yaml-${randomBytes(12).toString("hex")}`;
/** A secret stack config value the program passes into `rotationTriggers`. */
const SEED = `seed-${randomBytes(12).toString("hex")}`;
const TYPE = PLUGIN_TOKEN_TYPE;

/** What a test changes in the program. */
interface ProgramShape {
  /** An explicit token name; otherwise one is generated from the resource name. */
  name?: string;
  /** The `deleteBeforeReplace` resource option. */
  deleteBeforeReplace?: boolean;
  /** More entries of `resources:` (already indented by two spaces), e.g. what `pulumi import` generated. */
  moreResources?: string;
  /** More properties of the token (YAML lines, already indented by six spaces). */
  moreProperties?: string;
}

/** A Pulumi YAML program using the plugin from this repository's `bin/`. */
function program(yamlHost: string, shape: ProgramShape = {}): string {
  const name = shape.name === undefined ? "" : `\n      name: ${shape.name}`;
  const options =
    shape.deleteBeforeReplace === undefined
      ? ""
      : `\n    options:\n      deleteBeforeReplace: ${shape.deleteBeforeReplace}`;
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
  seed:
    type: string
resources:
  pull:
    type: ${TYPE}
    properties:
      registryId: \${registryId}${name}
      status: enabled
      rotationTriggers:
        seed: \${seed}${shape.moreProperties ?? ""}
      scopes:
        - name: "*"
          type: repository
          actions: [pull]${options}
${shape.moreResources ?? ""}outputs:
  name: \${pull.name}
  status: \${pull.status}
  password: \${pull.password}
`;
}

/** The `resources:` entries of a YAML program that `pulumi import --out` wrote, to paste into ours. */
function resourceEntries(generated: string): string {
  const lines = generated.split("\n");
  const start = lines.indexOf("resources:");
  if (start < 0) throw new Error(`no resources: section in the generated program:\n${generated}`);
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line !== "" && !line.startsWith(" ")) break;
    entries.push(line);
  }
  return `${entries.join("\n").trimEnd()}\n`;
}

describe("plugin mode: a Pulumi YAML program uses RegistryToken through the plugin (real CLI)", function () {
  this.timeout(1_200_000);
  let emulator: RunningEmulator;
  let project: ProjectSandbox;
  let yamlHost: string;
  const write = (shape: ProgramShape = {}) =>
    writeFileSync(path.join(project.projectDir, "Pulumi.yaml"), program(yamlHost, shape));

  before(async function () {
    requirePulumi();
    yamlHost = yamlLanguageHostDir();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "yaml" }] });
    project = createProjectSandbox("yaml-plugin", { files: [], links: [] });
    write();
    await project.pulumi(["stack", "init", "dev"]);
    await project.pulumi(["config", "set", "registryId", registryId()]);
    await project.pulumi(["config", "set", "ionos-registry-token:endpoint", emulator.url]);
    await project.pulumi(["config", "set", "--secret", "ionos-registry-token:token"], { input: API_TOKEN });
    await project.pulumi(["config", "set", "--secret", "seed"], { input: SEED });
  });
  after(async () => {
    project?.dispose();
    await emulator?.close();
  });

  const registryId = () => emulator.registries[0].id;
  const live = () => emulator.admin.listTokens(registryId());
  const writes = () => apiWrites(emulator);
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
    expect(state).to.match(new RegExp(`"password":\\s*\\{\\s*"${SIG_KEY}":[^}]*"ciphertext"`));
  });

  it("a secret input (rotationTriggers from a secret config value) is ciphertext wherever the state holds it", async () => {
    const state = (await project.pulumi(["stack", "export"])).stdout;
    expect(state.split(SEED).length - 1, "plain-text copies of the secret in the state").to.equal(0);
    const revealed = (await project.pulumi(["stack", "export", "--show-secrets"])).stdout;
    expect(revealed.split(SEED).length - 1, "copies the state holds, as secrets").to.be.at.least(2);
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

  it("a bad provider setting fails the preview naming its key, with no API request", async () => {
    await project.pulumi(["config", "set", "ionos-registry-token:requestTimeoutMs", "soon"]);
    emulator.clearRequests();
    const refused = await project.pulumi(["preview"]).then(
      () => "",
      (error: Error) => error.message,
    );
    await project.pulumi(["config", "rm", "ionos-registry-token:requestTimeoutMs"]);
    expect(refused).to.include(
      "ionos-registry-token:requestTimeoutMs: requestTimeoutMs must be a positive whole number of milliseconds",
    );
    expect(emulator.requests()).to.deep.equal([]);
  });

  it("renames: a new name replaces the token (create first), the new password a secret again", async () => {
    const old = live()[0];
    const before = (await outputs(true)).password;
    write({ name: "yaml-pull" });
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).to.match(
      /\+-\s+ionos-registry-token:index:RegistryToken\s+pull\s+replace\s+\[diff: ~name\]/,
    );
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["POST 201", "DELETE 204"]);
    const [token] = live();
    expect(token.properties.name).to.equal("yaml-pull");
    expect(token.id).to.not.equal(old.id);
    const shown = await outputs();
    expect(shown).to.include({ name: "yaml-pull", password: "[secret]" });
    const password = (await outputs(true)).password;
    expect(password).to.not.equal(before);
    expect((await project.pulumi(["stack", "export"])).stdout).to.not.include(password);
  });

  it("`up --replace` of a chosen name: refused by the registry (named, nothing changed) unless deleteBeforeReplace is set", async () => {
    const urn = (await project.pulumi(["stack", "--show-urns"])).stdout.match(/urn:pulumi:\S+::pull\b/)![0];
    const [token] = live();
    // The engine orders a forced replacement by the resource option alone (it asks no provider), so without
    // the option it creates first, and the name is still taken.
    emulator.clearRequests();
    const refused = await project.pulumi(["up", "--yes", "--replace", urn]).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).to.include('A token named "yaml-pull"').and.include("deleteBeforeReplace");
    expect(writes()).to.deep.equal(["POST 409"]);
    expect(live().map((t) => t.id)).to.deep.equal([token.id]);
    write({ name: "yaml-pull", deleteBeforeReplace: true });
    emulator.clearRequests();
    await project.pulumi(["up", "--yes", "--replace", urn]);
    expect(writes()).to.deep.equal(["DELETE 204", "POST 201"]);
    expect(live().map((t) => t.properties.name)).to.deep.equal(["yaml-pull"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
  });

  it("plain `pulumi import` adopts a token made elsewhere (password empty, said once per step); its generated program previews no change; destroy deletes what the stack has", async () => {
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
    const generated = path.join(project.projectDir, "adopted.yaml");
    const imported = await project.pulumi([
      "import",
      TYPE,
      "adopted",
      `${registryId()}/${otherId}`,
      "--yes",
      "--protect=false",
      "--out",
      generated,
    ]);
    expect(writes()).to.deep.equal([]);
    // Said once per step: the import's preview and the import itself each read the token (in a plugin process
    // of their own) and each summary names it once; later refreshes keep the empty password silently.
    const summaries = imported.stdout.split("Diagnostics:").slice(1);
    expect(summaries, imported.stdout).to.have.length(2);
    for (const summary of summaries) {
      const said = summary.split(/\n(?:Resources|Outputs|Previewing|Importing):?/)[0];
      expect(said.match(/made-elsewhere[^\n]*password is empty/g), imported.stdout).to.have.length(1);
    }
    const refreshed = await project.pulumi(["refresh", "--yes"]);
    expect(refreshed.stdout).to.not.include("password is empty");
    // The program `pulumi import` generated, pasted into ours as a user would: it declares the token as it is.
    write({
      name: "yaml-pull",
      deleteBeforeReplace: true,
      moreResources: resourceEntries(readFileSync(generated, "utf8")),
    });
    await project.pulumi(["preview", "--expect-no-changes"]);
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

  it("rotation: the preview names the expiry that replaces the token, and the warning is the token's", async () => {
    write({ moreProperties: "\n      expiresIn: 30d\n      rotateBefore: 7d" });
    await project.pulumi(["up", "--yes"]);
    const [first] = live();
    const planned = first.properties.expiryDate as string;
    // A second actor moves the planned expiry: refresh records it, the preview shows the live expiry on the
    // left and the planned one on the right, and up restores the plan.
    emulator.admin.patchToken(registryId(), first.id, { expiryDate: "2031-01-01T00:00:00Z" });
    await project.pulumi(["refresh", "--yes"]);
    const drifted = await project.pulumi(["preview", "--diff"]);
    expect(drifted.stdout).to.include(`~ expiryDate: "2031-01-01T00:00:00Z" => "${planned}"`);
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["PATCH 200"]);
    expect(live()[0].properties.expiryDate).to.equal(planned);
    const expiry = Date.parse(planned);
    const clock = { IONOS_REGISTRY_TOKEN_CLOCK: new Date(expiry - 6 * 86_400_000).toISOString() };
    const { stdout } = await project.pulumi(["preview", "--diff"], { env: clock });
    expect(stdout).to.match(/\+-\s*ionos-registry-token:index:RegistryToken: \(replace\)/);
    expect(stdout).to.match(/~ expiryDate\s*: "[^"]+" => "[^"]+"/);
    expect(stdout).to.not.include("rotationDue");
    // The warning is the token's: the summary shows it under the token, not under the stack.
    const summary = (await project.pulumi(["preview"], { env: clock })).stdout;
    const diagnostics = summary.slice(summary.indexOf("Diagnostics:"));
    expect(diagnostics).to.match(
      /ionos-registry-token:index:RegistryToken \(pull\):\s*\n\s*warning: RegistryToken pull-\w+ is due for rotation: expires .*; rotateBefore 7d was reached at /,
    );
    expect(diagnostics).to.not.match(/pulumi:pulumi:Stack/);
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"], { env: clock });
    expect(writes()).to.deep.equal(["POST 201", "DELETE 204"]);
    await project.pulumi(["destroy", "--yes"]);
    expect(live()).to.deep.equal([]);
  });

  it("a saved plan holds: `preview --save-plan`, then `up --plan` creates the generated name the plan shows", async () => {
    write();
    const plan = path.join(project.projectDir, "plan.json");
    const previewed = await project.pulumi(["preview", "--save-plan", plan, "--diff"]);
    const planned = previewed.stdout.match(/name\s*: "(pull-[a-z0-9]{8})"/)?.[1];
    expect(planned, previewed.stdout).to.be.a("string");
    emulator.clearRequests();
    await project.pulumi(["up", "--yes", "--plan", plan]);
    expect(writes()).to.deep.equal(["POST 201"]);
    expect(live().map((t) => t.properties.name)).to.deep.equal([planned]);
    await project.pulumi(["destroy", "--yes"]);
    expect(live()).to.deep.equal([]);
  });
});
