import { expect } from "chai";
import type { RunningEmulator } from "../../emulator";
import type { UserProject } from "../support/userProject";
import { startUserStack, type UserStack } from "../support/userStack";
import { SEMANTICS_PROGRAM } from "./semanticsProgram";

const DAY = 24 * 3600_000;
const EXPIRY = new Date(Date.now() + 40 * DAY).toISOString().replace(/\.\d+Z$/, "Z");
const TYPE = "pulumi-nodejs:dynamic/ionos:RegistryToken";

type Outputs = Record<string, Record<string, string | null>>;

describe("user project: Date inputs, unknowns at preview, ignoreChanges, aliases and a case-only rename (real CLI)", function () {
  this.timeout(600_000);
  let stack: UserStack;
  let emulator: RunningEmulator;
  let project: UserProject;
  let first: Outputs;
  let firstPasswords: Record<string, string>;

  before(async function () {
    stack = await startUserStack("token-semantics", SEMANTICS_PROGRAM, { expiryDate: EXPIRY });
    ({ emulator, project } = stack);
  });
  after(async () => {
    await stack?.close();
  });

  const live = () => emulator.admin.listTokens(stack.registryId);
  const liveNamed = (name: string) => live().find((t) => t.properties.name === name);
  const writes = () => stack.writes();
  async function outputs(showSecrets = false): Promise<Outputs> {
    const run = await project.pulumi([
      "stack",
      "output",
      "--json",
      ...(showSecrets ? ["--show-secrets"] : []),
    ]);
    return JSON.parse(run.stdout) as Outputs;
  }

  it("previews every create, with a Date and with unknowns beside an expiry, without writing", async () => {
    emulator.clearRequests();
    const preview = await project.pulumi(["preview", "--diff"]);
    expect(preview.stdout).to.match(/\+ 9 to create/);
    expect(preview.stdout).to.not.match(
      /has a problem|not both|needs expiresIn|defaultNamePrefix|rotationDue/,
    );
    expect(writes()).to.deep.equal([]);
  });

  it("up: a Date and an Output<Date> become the token's expiry; unknowns that turn out absent are fine", async () => {
    emulator.clearRequests();
    await project.pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(Array(8).fill("POST 201"));
    first = await outputs();
    firstPasswords = (await outputs(true)).passwords as Record<string, string>;
    expect(liveNamed("user-dated")!.properties.expiryDate).to.equal(EXPIRY);
    expect(first.expiries.dated).to.equal(EXPIRY);
    const created = Date.parse(liveNamed("user-dated")!.metadata.createdDate);
    const derived = liveNamed(first.names.derived!)!;
    expect(Date.parse(derived.properties.expiryDate!)).to.equal(
      Math.floor((created + 60 * DAY) / 1000) * 1000,
    );
    expect(liveNamed(first.names.unknowns!)!.properties.expiryDate).to.equal(EXPIRY);
    expect(first.names.renamed).to.match(/^web-[a-z0-9]{8}$/);
    expect(liveNamed("Cased-Token")).to.not.equal(undefined);
  });

  it("the edited program: ignored inputs stay, the alias keeps its token, the case-only rename deletes first", async () => {
    await project.pulumi(["config", "set", "phase", "2"]);
    // Three days later by the provider's clock: a planned expiry copied back must still be accepted.
    const later = { IONOS_REGISTRY_TOKEN_CLOCK: new Date(Date.now() + 3 * DAY).toISOString() };
    emulator.clearRequests();
    const preview = await project.pulumi(["preview", "--diff"], { env: later });
    expect(preview.stdout).to.match(/~ 1 to update/);
    expect(preview.stdout).to.match(/\+-1 to replace/);
    expect(preview.stdout).to.not.match(/to create|to delete/);
    const step = (sign: string, op: string, name: string) =>
      new RegExp(`${sign}\\s*${TYPE}: \\(${op}\\)\\s+\\[id=[^\\]]+\\]\\s+\\[urn=[^\\]]*::${name}\\]`);
    expect(preview.stdout).to.match(step("~", "update", "kept-expiry"));
    expect(preview.stdout).to.match(step("\\+-", "replace", "cased"));
    expect(preview.stdout).to.match(/~ name\s+: "Cased-Token" => "cased-token"/);
    expect(writes()).to.deep.equal([]);

    const casedBefore = liveNamed("Cased-Token")!.id;
    await project.pulumi(["up", "--yes"], { env: later });
    const sequence = writes();
    expect([...sequence].sort()).to.deep.equal(["DELETE 204", "PATCH 200", "POST 201"]);
    expect(sequence.indexOf("DELETE 204")).to.be.below(sequence.indexOf("POST 201"));
    expect(live().some((t) => t.id === casedBefore)).to.equal(false);
    expect(liveNamed("cased-token")).to.not.equal(undefined);

    const second = await outputs();
    const passwords = (await outputs(true)).passwords as Record<string, string>;
    expect(second.names.renamed, "the alias keeps the generated name").to.equal(first.names.renamed);
    expect(passwords.renamed, "and the password").to.equal(firstPasswords.renamed);
    expect(second.statuses.frozen, "ignoreChanges: ['*'] kept the status").to.equal("enabled");
    expect(liveNamed(first.names.frozen!)!.properties.status).to.equal("enabled");
    expect(second.statuses.keptExpiry).to.equal("disabled");
    expect(second.expiries.keptExpiry, "ignoreChanges: ['expiryDate'] kept the planned expiry").to.equal(
      first.expiries.keptExpiry,
    );
    expect(second.expiries.frozen).to.equal(first.expiries.frozen);
    await project.pulumi(["preview", "--expect-no-changes"], { env: later });
  });

  it("destroy removes every token", async () => {
    await project.pulumi(["destroy", "--yes"]);
    expect(live()).to.deep.equal([]);
  });
});
