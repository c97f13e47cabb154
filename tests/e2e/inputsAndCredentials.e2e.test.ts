import { expect } from "chai";
import { randomBytes } from "crypto";
import { rmSync } from "fs";
import type * as auto from "@pulumi/pulumi/automation";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { RegistryToken, type RegistryTokenArgs } from "../../provider";
import { createSandbox, inlineStack, requirePulumi, type E2eSandbox } from "../support/pulumiCli";

const API_TOKEN = `e2e-cred-${randomBytes(12).toString("hex")}`;

describe("end to end: bad input and credentials (real Pulumi CLI)", function () {
  this.timeout(180_000);
  let emulator: RunningEmulator;
  let sandbox: E2eSandbox;
  const stacks: auto.Stack[] = [];
  let count = 0;

  async function stackFor(
    args: () => RegistryTokenArgs,
    envVars: Record<string, string> = {},
  ): Promise<auto.Stack> {
    const stack = await inlineStack(
      sandbox,
      `s${++count}`,
      async () => {
        const token = new RegistryToken("t", args());
        return { password: token.password };
      },
      envVars,
    );
    stacks.push(stack);
    return stack;
  }

  /** Runs `action`, returns the error text (message + CLI stdout/stderr), or fails when it succeeds. */
  async function failureOf(action: () => Promise<unknown>): Promise<string> {
    try {
      await action();
    } catch (error) {
      return String(error);
    }
    expect.fail("expected the command to fail");
  }

  before(async function () {
    // The first run may build the CLI (a few minutes): see requirePulumi.
    this.timeout(900_000);
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "main" }] });
    sandbox = createSandbox("e2e-pass");
  });
  after(async () => {
    for (const stack of stacks) rmSync(stack.workspace.workDir, { recursive: true, force: true });
    await emulator?.close();
    sandbox?.dispose();
  });
  beforeEach(() => emulator?.clearRequests());

  const registryId = () => emulator.registries[0].id;

  for (const [label, args, property] of [
    ["an invalid name", { name: "9-lives" }, "name"],
    ["an expiry in the past", { expiryDate: "2020-01-01T00:00:00Z" }, "expiryDate"],
    [
      "an unknown scope action",
      { scopes: [{ name: "*", type: "repository", actions: ["pull", "fly"] }] },
      "scopes[0].actions[1]",
    ],
  ] as const) {
    it(`9. preview fails on ${label}, naming ${property}, with no API request`, async () => {
      const stack = await stackFor(() => ({
        registryId: registryId(),
        ...(args as Partial<RegistryTokenArgs>),
      }));
      await stack.setConfig("ionoscloud:token", { value: API_TOKEN, secret: true });
      await stack.setConfig("ionoscloud:endpoint", { value: emulator.url });
      const text = await failureOf(() => stack.preview({ color: "never" }));
      expect(text).to.include(property);
      expect(emulator.requests()).to.deep.equal([]);
    });
  }

  it('9. preview fails on a required input left undefined (config.get("typo")!), naming registryId, not the engine', async () => {
    const stack = await stackFor(() => ({ registryId: undefined as unknown as string, name: "no-registry" }));
    await stack.setConfig("ionoscloud:token", { value: API_TOKEN, secret: true });
    await stack.setConfig("ionoscloud:endpoint", { value: emulator.url });
    const text = await failureOf(() => stack.preview({ color: "never" }));
    expect(text).to.include("registryId is required");
    expect(text).to.not.match(/Unexpected struct type|google-protobuf|grpc/i);
    expect(emulator.requests()).to.deep.equal([]);
  });

  it("10a. takes credentials from secret stack config", async () => {
    const stack = await stackFor(() => ({ registryId: registryId(), name: "from-config" }));
    await stack.setConfig("ionoscloud:token", { value: API_TOKEN, secret: true });
    await stack.setConfig("ionoscloud:endpoint", { value: emulator.url });
    const result = await stack.up({ color: "never" });
    expect(result.outputs.password.secret).to.equal(true);
    expect(emulator.admin.listTokens(registryId()).map((t) => t.properties.name)).to.include("from-config");
    await stack.destroy({ color: "never" });
  });

  it("10b. takes credentials from IONOS_TOKEN and IONOS_API_URL", async () => {
    const stack = await stackFor(() => ({ registryId: registryId(), name: "from-env" }), {
      IONOS_TOKEN: API_TOKEN,
      IONOS_API_URL: emulator.url,
    });
    await stack.up({ color: "never" });
    expect(emulator.admin.listTokens(registryId()).map((t) => t.properties.name)).to.include("from-env");
    await stack.destroy({ color: "never" });
  });

  it("10c. wrong credentials: a clear 401 error that does not echo them", async () => {
    const wrong = `wrong-${randomBytes(10).toString("hex")}`;
    const stack = await stackFor(() => ({ registryId: registryId(), name: "never-made" }));
    await stack.setConfig("ionoscloud:token", { value: wrong, secret: true });
    await stack.setConfig("ionoscloud:endpoint", { value: emulator.url });
    const text = await failureOf(() => stack.up({ color: "never" }));
    expect(text).to.match(/registriesTokensPost .*failed with HTTP 401/);
    expect(text).to.include("The credentials came from stack config ionoscloud:token.");
    expect(text).to.not.include(wrong);
    expect(emulator.admin.listTokens(registryId()).map((t) => t.properties.name)).to.not.include(
      "never-made",
    );
  });

  it("10d. missing credentials: an error naming the config keys and variables to set", async () => {
    const stack = await stackFor(() => ({ registryId: registryId(), name: "no-creds" }));
    await stack.setConfig("ionoscloud:endpoint", { value: emulator.url });
    const text = await failureOf(() => stack.up({ color: "never" }));
    expect(text).to.match(/pulumi config set --secret ionoscloud:token/);
    expect(text).to.include("IONOS_TOKEN");
    expect(emulator.requests()).to.deep.equal([]);
  });
});
