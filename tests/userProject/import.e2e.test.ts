import { expect } from "chai";
import { readFileSync } from "fs";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import type { UserProject } from "../support/userProject";
import { startUserStack, type UserStack } from "../support/userStack";
import { IMPORT_PROGRAM } from "./importProgram";

const EXPIRY = new Date(Date.now() + 50 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
const TYPE = "pulumi-nodejs:dynamic/ionos:RegistryToken";

describe("user project: adopting an existing token with import-file and `pulumi import --file` (real CLI)", function () {
  this.timeout(600_000);
  let stack: UserStack;
  let emulator: RunningEmulator;
  let project: UserProject;
  let resourceId: string;
  let otherPassword: string;

  before(async function () {
    stack = await startUserStack("token-import", IMPORT_PROGRAM, { expiryDate: EXPIRY });
    ({ emulator, project } = stack);
    // A second actor (a person in the console, another tool) made the token.
    const made = await new EmulatorApi(emulator.url, bearerAuth(stack.apiToken)).request(
      "POST",
      `/registries/${stack.registryId}/tokens`,
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
    resourceId = `${stack.registryId}/${made.json.id}`;
    otherPassword = made.json.properties.credentials.password;
    await project.pulumi(["up", "--yes"]);
  });
  after(async () => {
    await stack?.close();
  });

  const writes = () => stack.writes();
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

  it("a plain `pulumi import TYPE NAME ID` fails as the README says, and changes nothing", async () => {
    emulator.clearRequests();
    const text = await failureOf(
      project.pulumi(["import", TYPE, "plain", resourceId, "--yes", "--generate-code=false"]),
    );
    expect(text).to.match(/code must be a string, not undefined/);
    expect(writes()).to.deep.equal([]);
    const exported = JSON.parse((await project.pulumi(["stack", "export"])).stdout) as {
      deployment: { resources?: Array<{ urn: string }> };
    };
    expect((exported.deployment.resources ?? []).map((r) => r.urn)).to.not.include(
      `urn:pulumi:dev::token-import::${TYPE}::plain`,
    );
  });

  it("import-file reads the token with one GET and writes an import file with the serialized provider", async () => {
    emulator.clearRequests();
    const run = await project.npx(
      ["ionos-registry-token", "import-file", resourceId, "--name", "adopted", "--out", "import.json"],
      {
        env: { IONOS_TOKEN: stack.apiToken, IONOS_API_URL: emulator.url },
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
    expect(JSON.stringify(file)).to.not.include(stack.apiToken);
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
    expect(emulator.admin.listTokens(stack.registryId)).to.deep.equal([]);
  });
});
