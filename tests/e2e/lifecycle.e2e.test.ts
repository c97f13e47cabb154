import { expect } from "chai";
import { randomBytes } from "crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "fs";
import * as path from "path";
import type * as auto from "@pulumi/pulumi/automation";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { RegistryToken, type RegistryTokenArgs } from "../../provider";
import {
  createSandbox,
  exportStackRaw,
  requirePulumi,
  inlineStack,
  type E2eSandbox,
} from "../support/pulumiCli";
import { apiWrites } from "../support/apiWrites";

const TOKEN_TYPE = "pulumi-nodejs:dynamic/ionos:RegistryToken";
const API_TOKEN = `e2e-api-${randomBytes(12).toString("hex")}`;

/** Every file below `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("end to end with the real Pulumi CLI (Automation API, file backend)", function () {
  this.timeout(240_000);
  let emulator: RunningEmulator;
  let sandbox: E2eSandbox;
  let stack: auto.Stack;
  let registryId: string;
  let otherRegistryId: string;
  /** What the inline program declares; tests change it between runs. */
  let declared: RegistryTokenArgs & { resourceName?: string };
  const printed: string[] = [];
  const passwords: string[] = [];

  const program = async () => {
    const { resourceName = "app", ...args } = declared;
    const token = new RegistryToken(resourceName, args);
    return { username: token.username, password: token.password, tokenId: token.tokenId, name: token.name };
  };

  /** Operations the engine planned or took for the token, from its events. */
  let ops: string[] = [];
  const onEvent = (event: auto.EngineEvent) => {
    const meta = event.resourcePreEvent?.metadata;
    if (meta?.type === TOKEN_TYPE) ops.push(meta.op);
  };
  const onOutput = (text: string) => printed.push(text);
  const run = { onEvent, onOutput, color: "never" as const };
  const tokens = () =>
    emulator.admin.listTokens(registryId).concat(emulator.admin.listTokens(otherRegistryId));
  const writes = () => apiWrites(emulator);

  async function up(): Promise<auto.UpResult> {
    ops = [];
    emulator.clearRequests();
    const result = await stack.up(run);
    passwords.push(result.outputs.password.value as string);
    return result;
  }

  async function preview(): Promise<string[]> {
    ops = [];
    emulator.clearRequests();
    await stack.preview(run);
    expect(writes(), "preview must not write").to.deep.equal([]);
    return ops;
  }

  before(async function () {
    // The first run may build the CLI (a few minutes): see requirePulumi.
    this.timeout(900_000);
    requirePulumi();
    emulator = await startEmulator({
      credentials: { token: API_TOKEN },
      registries: [{ name: "main" }, { name: "other" }],
    });
    [registryId, otherRegistryId] = emulator.registries.map((r) => r.id);
    sandbox = createSandbox(`pass-${randomBytes(6).toString("hex")}`);
    stack = await inlineStack(sandbox, "dev", program);
    await stack.setConfig("ionoscloud:token", { value: API_TOKEN, secret: true });
    await stack.setConfig("ionoscloud:endpoint", { value: emulator.url });
    declared = { registryId, scopes: [{ name: "*", type: "repository", actions: ["pull"] }] };
  });

  after(async () => {
    // LocalWorkspace leaves its temporary program folder behind.
    if (stack) rmSync(stack.workspace.workDir, { recursive: true, force: true });
    await emulator?.close();
    sandbox?.dispose();
  });

  it("1. previews a new stack as one create, without any API request", async () => {
    expect(await preview()).to.deep.equal(["create"]);
    expect(emulator.requests()).to.deep.equal([]);
  });

  it("2. creates the token; the password is ciphertext in the state and nowhere in plaintext", async () => {
    const result = await up();
    expect(ops).to.deep.equal(["create"]);
    expect(writes()).to.deep.equal(["POST 201"]);
    expect(result.outputs.password.secret).to.equal(true);
    const password = passwords[0];
    expect(password).to.be.a("string").with.length.greaterThan(8);
    expect(tokens().map((t) => t.id)).to.deep.equal([result.outputs.tokenId.value]);

    const exported = exportStackRaw(stack);
    const resource = exported.deployment.resources.find((r) => r.type === TOKEN_TYPE)!;
    const stored = (resource.outputs as Record<string, unknown>).password as Record<string, unknown>;
    expect(stored["4dabf18193072939515e22adb298388d"]).to.equal("1b47061264138c4ac30d75fd1eb44270");
    expect(stored.ciphertext).to.be.a("string");
    // The SDK still records where the program declared the token (RegistryToken skips only the promise stacks
    // of the leak report; provider/dynamic/promiseStacks.ts).
    const declaredAt = JSON.stringify((resource as { stackTrace?: unknown }).stackTrace ?? null);
    expect(declaredAt).to.match(/lifecycle\.e2e\.test\.(ts|js)#\d+/);
    expect(JSON.stringify(exported)).to.not.include(password);
    expect(JSON.stringify(exported)).to.not.include(API_TOKEN);
    for (const file of filesUnder(sandbox.dir)) {
      const text = readFileSync(file, "utf8");
      expect(text, file).to.not.include(password);
      expect(text, file).to.not.include(API_TOKEN);
    }
    expect(printed.join("")).to.not.include(password);
  });

  it("3. previews no change, and refreshes without drift", async () => {
    expect(await preview()).to.deep.equal(["same"]);
    const refreshed = await stack.refresh(run);
    expect(refreshed.summary.resourceChanges).to.not.have.property("update");
    expect(await preview()).to.deep.equal(["same"]);
  });

  for (const [label, change] of [
    ["status", { status: "disabled" }],
    ["scopes", { scopes: [{ name: "app/*", type: "repository", actions: ["pull", "push"] }] }],
    ["expiryDate", { expiryDate: new Date(Date.now() + 30 * 24 * 3600_000).toISOString() }],
  ] as const) {
    it(`4. updates ${label} in place with one PATCH, keeping the password`, async () => {
      declared = { ...declared, ...change } as RegistryTokenArgs;
      expect(await preview()).to.deep.equal(["update"]);
      await up();
      expect(ops).to.deep.equal(["update"]);
      expect(writes()).to.deep.equal(["PATCH 200"]);
      expect(passwords[passwords.length - 1]).to.equal(passwords[0]);
    });
  }

  it("5. records out-of-band drift on refresh; the next up restores the declared token", async () => {
    const [live] = emulator.admin.listTokens(registryId);
    emulator.admin.patchToken(registryId, live.id, { status: "enabled", scopes: [], expiryDate: null });
    const refreshed = await stack.refresh(run);
    expect(refreshed.summary.resourceChanges?.update).to.equal(1);
    expect(await preview()).to.deep.equal(["update"]);
    await up();
    expect(writes()).to.deep.equal(["PATCH 200"]);
    const restored = emulator.admin.getToken(registryId, live.id)!;
    expect(restored.properties.status).to.equal("disabled");
    expect(restored.properties.scopes).to.deep.equal([
      { name: "app/*", type: "repository", actions: ["pull", "push"] },
    ]);
    expect(restored.properties.expiryDate).to.be.a("string");
    expect(passwords[passwords.length - 1]).to.equal(passwords[0]);
  });

  it("6. drops a token deleted out of band on refresh; up recreates it with a new password", async () => {
    const [live] = emulator.admin.listTokens(registryId);
    emulator.admin.deleteToken(registryId, live.id);
    const refreshed = await stack.refresh(run);
    expect(refreshed.summary.resourceChanges?.delete).to.equal(1);
    const result = await up();
    expect(ops).to.deep.equal(["create"]);
    expect(result.outputs.tokenId.value).to.not.equal(live.id);
    expect(passwords[passwords.length - 1]).to.not.equal(passwords[0]);
  });

  it("7a. renames a chosen name by replacement, creating the new token before deleting the old one", async () => {
    declared = { ...declared, name: "renamed-token" };
    expect(await preview()).to.include("replace");
    await up();
    expect(writes()).to.deep.equal(["POST 201", "DELETE 204"]);
    expect(tokens().map((t) => t.properties.name)).to.deep.equal(["renamed-token"]);
  });

  it("7b. moves a chosen name to another registry by replacement, creating first", async () => {
    declared = { ...declared, registryId: otherRegistryId };
    await up();
    const log = emulator.requests().filter((r) => r.method !== "GET");
    expect(
      log.map((r) => `${r.method} ${r.path.includes(otherRegistryId) ? "other" : "main"}`),
    ).to.deep.equal(["POST other", "DELETE main"]);
    expect(emulator.admin.listTokens(registryId)).to.deep.equal([]);
    expect(emulator.admin.listTokens(otherRegistryId).map((t) => t.properties.name)).to.deep.equal([
      "renamed-token",
    ]);
  });

  it("7c. a rotation trigger on a token that keeps its name deletes the old token first", async () => {
    declared = { ...declared, rotationTriggers: { generation: "2" } };
    expect(await preview()).to.include("replace");
    await up();
    expect(writes()).to.deep.equal(["DELETE 204", "POST 201"]);
    expect(emulator.admin.listTokens(otherRegistryId).map((t) => t.properties.name)).to.deep.equal([
      "renamed-token",
    ]);
  });

  it("8. destroys: the emulator holds no tokens", async () => {
    emulator.clearRequests();
    await stack.destroy(run);
    expect(tokens()).to.deep.equal([]);
    expect(writes()).to.deep.equal(["DELETE 204"]);
  });

  it("never printed a password or the API token", () => {
    const all = printed.join("");
    expect(passwords.length).to.be.greaterThan(3);
    for (const secret of [...passwords, API_TOKEN]) expect(all).to.not.include(secret);
  });
});
