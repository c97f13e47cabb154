import { expect } from "chai";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { startUserStack, type UserStack } from "../support/userStack";
import { LOOKUPS_PROGRAM } from "./lookupsProgram";

type Info = Record<string, unknown>;

describe("user project: the look-up functions from the packed tarball (real CLI, credentials from the stack config)", function () {
  this.timeout(600_000);
  let stack: UserStack;
  let sharedId: string;
  /** The passwords of the tokens another actor made: nothing the program looks up may carry them. */
  const othersPasswords: string[] = [];

  before(async function () {
    stack = await startUserStack("token-lookups", LOOKUPS_PROGRAM);
    // Another actor's tokens: one the program looks up, one of team A it did not make.
    const api = new EmulatorApi(stack.emulator.url, bearerAuth(stack.apiToken));
    const made = async (name: string, status: string) => {
      const answer = await api.request("POST", `/registries/${stack.registryId}/tokens`, {
        body: {
          properties: { name, status, scopes: [{ name: "*", type: "repository", actions: ["pull"] }] },
        },
      });
      expect(answer.status).to.equal(201);
      const password = (answer.json.properties as { credentials: { password: string } }).credentials.password;
      othersPasswords.push(password);
      return answer.json.id as string;
    };
    sharedId = await made("shared-pull", "disabled");
    await made("team-a-deploy", "enabled");
  });
  after(async () => {
    await stack?.close();
  });

  it("up: by name, by id and by prefix, with no password anywhere and no write but the token's own POST", async () => {
    stack.emulator.clearRequests();
    await stack.project.pulumi(["up", "--yes"]);
    expect(stack.writes()).to.deep.equal(["POST 201"]);
    const run = await stack.project.pulumi(["stack", "output", "--json", "--show-secrets"]);
    const outputs = JSON.parse(run.stdout) as { sharedToken: Info; oursById: Info; teamANames: string[] };
    expect(outputs.sharedToken).to.deep.include({
      registryId: stack.registryId,
      tokenId: sharedId,
      name: "shared-pull",
      status: "disabled",
      expiryDate: null,
    });
    expect(outputs.sharedToken.scopes).to.deep.equal([{ name: "*", type: "repository", actions: ["pull"] }]);
    expect(outputs.oursById).to.include({ name: "team-a-ci", status: "enabled" });
    expect(outputs.teamANames).to.deep.equal(["team-a-ci", "team-a-deploy"]);
    for (const info of [outputs.sharedToken, outputs.oursById]) expect(info).to.not.have.property("password");
    // Not under another key either, nor anywhere in the state.
    const scanner = new LeakScanner()
      .addArtifact("stack output --show-secrets", run.stdout)
      .addArtifact("stack export", (await stack.project.pulumi(["stack", "export"])).stdout);
    othersPasswords.forEach((password, i) =>
      scanner.addSecret(`another actor's password ${i + 1}`, password),
    );
    const leaks = scanner.scan();
    expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
  });

  it("a name that is not there: the up fails naming it and the registry, and changes nothing", async () => {
    await stack.project.pulumi(["config", "set", "lookUp", "no-such-token"]);
    stack.emulator.clearRequests();
    const failed = await stack.project.pulumi(["up", "--yes"]).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(failed).to.include(
      `getRegistryToken: no token named "no-such-token" in registry ${stack.registryId}`,
    );
    expect(stack.writes()).to.deep.equal([]);
  });
});
