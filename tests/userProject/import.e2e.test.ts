import { expect } from "chai";
import { randomBytes } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { requirePulumi } from "../support/pulumiCli";
import { createUserProject, type UserProject } from "../support/userProject";
import { IMPORT_PROGRAM } from "./importProgram";

const API_TOKEN = `import-${randomBytes(12).toString("hex")}`;
const EXPIRY = new Date(Date.now() + 50 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
const TYPE = "pulumi-nodejs:dynamic/ionos:RegistryToken";

describe("user project: adopting an existing token with import-file and `pulumi import --file` (real CLI)", function () {
  this.timeout(600_000);
  let emulator: RunningEmulator;
  let project: UserProject;
  let resourceId: string;
  let otherPassword: string;

  before(async function () {
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "adoption" }] });
    project = await createUserProject("import", {
      name: "token-import",
      files: { "index.ts": IMPORT_PROGRAM },
    });
    await project.pulumi(["stack", "init", "dev"]);
    await project.pulumi(["config", "set", "registryId", registryId()]);
    await project.pulumi(["config", "set", "expiryDate", EXPIRY]);
    await project.pulumi(["config", "set", "ionoscloud:endpoint", emulator.url]);
    await project.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: API_TOKEN });
    // A second actor (a person in the console, another tool) made the token.
    const made = await new EmulatorApi(emulator.url, bearerAuth(API_TOKEN)).request(
      "POST",
      `/registries/${registryId()}/tokens`,
      {
        body: {
          properties: {
            name: "made-elsewhere",
            status: "disabled",
            expiryDate: EXPIRY,
            scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
          },
        },
      },
    );
    expect(made.status).to.equal(201);
    resourceId = `${registryId()}/${made.json.id}`;
    otherPassword = made.json.properties.credentials.password;
    await project.pulumi(["up", "--yes"]);
  });
  after(async () => {
    project?.dispose();
    await emulator?.close();
  });

  const registryId = () => emulator.registries[0].id;
  const writes = () =>
    emulator
      .requests()
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.status}`);
  const failureOf = (run: Promise<unknown>) =>
    run.then(
      () => expect.fail("the command succeeded"),
      (error: Error) => error.message,
    );

  it("the `import` resource option fails at once, naming the command that works", async () => {
    await project.pulumi(["config", "set", "mode", "importOption"]);
    await project.pulumi(["config", "set", "--plaintext", "tokenResourceId", resourceId]);
    emulator.clearRequests();
    const text = await failureOf(project.pulumi(["preview"]));
    expect(text).to.include(`npx ionos-registry-token import-file ${resourceId} --name imported`);
    expect(text).to.not.match(/code must be a string|grpc|protobuf/i);
    expect(emulator.requests()).to.deep.equal([]);
    await project.pulumi(["config", "rm", "mode"]);
  });

  it("import-file reads the token with one GET and writes an import file with the serialized provider", async () => {
    emulator.clearRequests();
    const run = await project.npx(
      ["ionos-registry-token", "import-file", resourceId, "--name", "adopted", "--out", "import.json"],
      {
        env: { IONOS_TOKEN: API_TOKEN, IONOS_API_URL: emulator.url },
      },
    );
    expect(emulator.requests().map((r) => `${r.method} ${r.status}`)).to.deep.equal(["GET 200"]);
    expect(run.stderr).to.match(/passwords stay empty/);
    const file = JSON.parse(readFileSync(path.join(project.projectDir, "import.json"), "utf8")) as {
      resources: Array<{ type: string; name: string; id: string; outputs: Record<string, unknown> }>;
    };
    expect(file.resources).to.have.length(1);
    expect(file.resources[0]).to.deep.include({ type: TYPE, name: "adopted", id: resourceId });
    expect(file.resources[0].outputs.password).to.equal("");
    expect(JSON.stringify(file)).to.not.include(API_TOKEN);
    expect(JSON.stringify(file)).to.not.include(otherPassword);
  });

  it("pulumi import --file adopts it without a write; refresh fills it; the declaring program previews no change", async () => {
    emulator.clearRequests();
    await project.pulumi(["import", "--file", "import.json", "--generate-code=false", "--yes"]);
    expect(writes()).to.deep.equal([]);
    await project.pulumi(["refresh", "--yes"]);
    expect(writes()).to.deep.equal([]);
    await project.pulumi(["config", "set", "mode", "declare"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal([]);
    const outputs = JSON.parse(
      (await project.pulumi(["stack", "output", "--json", "--show-secrets"])).stdout,
    );
    expect(outputs).to.deep.equal({
      name: "made-elsewhere",
      password: "",
      tokenId: resourceId.split("/")[1],
    });
  });

  it("once adopted (and unprotected), the token is the stack's: destroy deletes it", async () => {
    await project.pulumi(["state", "unprotect", `urn:pulumi:dev::token-import::${TYPE}::adopted`, "--yes"]);
    emulator.clearRequests();
    await project.pulumi(["destroy", "--yes"]);
    expect(writes()).to.deep.equal(["DELETE 204"]);
    expect(emulator.admin.listTokens(registryId())).to.deep.equal([]);
  });
});
