import { expect } from "chai";
import { renameSync } from "fs";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import type { UserProject } from "../support/userProject";
import { startUserStack, type UserStack } from "../support/userStack";
import { REPLACEMENTS_PROGRAM } from "./replacementsProgram";
import { RUNTIME_ENTRY } from "../../provider/dynamic/stateContract";

const TYPE = "pulumi-nodejs:dynamic/ionos:RegistryToken";

type Pair = { pinned: string; auto: string };

describe("user project: every kind of replacement, in the order the README promises (real CLI)", function () {
  this.timeout(600_000);
  let stack: UserStack;
  let emulator: RunningEmulator;
  let project: UserProject;

  before(async function () {
    stack = await startUserStack("token-replacements", REPLACEMENTS_PROGRAM);
    ({ emulator, project } = stack);
    await project.pulumi(["up", "--yes"]);
  });
  after(async () => {
    await stack?.close();
  });

  const liveIds = () => emulator.admin.listTokens(stack.registryId).map((t) => t.id);
  const writes = () => stack.writes();
  async function state(): Promise<{ ids: Pair; names: Pair; passwords: Pair }> {
    const run = await project.pulumi(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(run.stdout) as { ids: Pair; names: Pair; passwords: Pair };
  }
  const urn = (name: string) => `urn:pulumi:dev::token-replacements::${TYPE}::${name}`;

  /** Runs `args`, then checks: one live token per resource, each new, with a new password, the old ones gone. */
  async function replaced(args: string[], which: (keyof Pair)[]) {
    const before = await state();
    emulator.clearRequests();
    await project.pulumi(args);
    const after = await state();
    for (const key of which) {
      expect(after.ids[key], `${key}: a new token`).to.not.equal(before.ids[key]);
      expect(after.passwords[key], `${key}: a new password`).to.not.equal(before.passwords[key]);
      expect(liveIds(), `${key}: the old token is gone`).to.not.include(before.ids[key]);
    }
    expect([...liveIds()].sort()).to.deep.equal([after.ids.pinned, after.ids.auto].sort());
    return { before, after, writes: writes() };
  }

  it("pulumi up --replace of a chosen name without deleteBeforeReplace: refused naming the option, nothing changed", async () => {
    const before = await state();
    emulator.clearRequests();
    const text = await project.pulumi(["up", "--yes", "--replace", urn("pinned")]).then(
      () => expect.fail("a create-first replacement of a kept name succeeded"),
      (error: Error) => error.message,
    );
    expect(text).to.include(`A token named "${before.names.pinned}" (${before.ids.pinned})`);
    expect(text).to.include("`deleteBeforeReplace: true`");
    expect(writes()).to.deep.equal(["POST 409"]);
    expect((await state()).ids).to.deep.equal(before.ids);
    expect([...liveIds()].sort()).to.deep.equal([before.ids.pinned, before.ids.auto].sort());
  });

  it("pulumi up --replace of a chosen name with deleteBeforeReplace: the old token is deleted, then the new one created", async () => {
    await project.pulumi(["config", "set", "pinnedDeleteFirst", "true"]);
    const { before, after, writes } = await replaced(["up", "--yes", "--replace", urn("pinned")], ["pinned"]);
    expect(writes).to.deep.equal(["DELETE 204", "POST 201"]);
    expect(after.names.pinned).to.equal(before.names.pinned);
    await project.pulumi(["config", "rm", "pinnedDeleteFirst"]);
  });

  it("pulumi up --replace of a generated name: a new name, created before the old token is deleted", async () => {
    const { before, after, writes } = await replaced(["up", "--yes", "--replace", urn("auto")], ["auto"]);
    // The engine checks a forced replacement's inputs again, without the old ones: a fresh name.
    expect(after.names.auto).to.not.equal(before.names.auto);
    expect(after.names.auto).to.match(/^auto-[a-z0-9]{8}$/);
    expect(writes).to.deep.equal(["POST 201", "DELETE 204"]);
  });

  it("a rotation trigger on the chosen name: the old token is deleted first", async () => {
    await project.pulumi(["config", "set", "pinnedGeneration", "2"]);
    const { before, after, writes } = await replaced(["up", "--yes"], ["pinned"]);
    expect(after.names.pinned).to.equal(before.names.pinned);
    expect(writes).to.deep.equal(["DELETE 204", "POST 201"]);
  });

  it("a rotation trigger on the generated name: a new name, created before the old token is deleted", async () => {
    await project.pulumi(["config", "set", "autoGeneration", "2"]);
    const { before, after, writes } = await replaced(["up", "--yes"], ["auto"]);
    expect(after.names.auto).to.not.equal(before.names.auto);
    expect(writes).to.deep.equal(["POST 201", "DELETE 204"]);
  });

  it("a rename of the chosen name: replaced, the new token created before the old one is deleted", async () => {
    await project.pulumi(["config", "set", "pinnedName", "ci-renamed"]);
    const { after, writes } = await replaced(["up", "--yes"], ["pinned"]);
    expect(after.names.pinned).to.equal("ci-renamed");
    expect(writes).to.deep.equal(["POST 201", "DELETE 204"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
  });

  it("a refresh with the package missing fails naming it (README, Troubleshooting), and works once it is back", async () => {
    const installed = path.join(project.projectDir, "node_modules", "ionos-registry-token");
    renameSync(installed, `${installed}.away`);
    try {
      const text = await project.pulumi(["refresh", "--yes"]).then(
        () => expect.fail("refresh succeeded without the package"),
        (error: Error) => error.message,
      );
      expect(text).to.include(`Cannot find module '${RUNTIME_ENTRY}'`);
    } finally {
      renameSync(`${installed}.away`, installed);
    }
    emulator.clearRequests();
    await project.pulumi(["refresh", "--yes"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
    expect(stack.writes()).to.deep.equal([]);
  });

  it("destroy removes both", async () => {
    await project.pulumi(["destroy", "--yes"]);
    expect(liveIds()).to.deep.equal([]);
  });
});
