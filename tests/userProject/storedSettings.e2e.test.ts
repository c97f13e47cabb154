/**
 * Settings the engine stored at the last `up`, as a user meets them, in both modes with the real CLI: `pulumi
 * refresh` and `pulumi destroy` run the provider with the provider inputs stored in the stack (the token and the
 * endpoint from the stack config among them), not with the current config. So after the API token is rotated
 * and fixed with `pulumi config set`, or the endpoint changes, a refresh still fails. The failure must say
 * so and name the ways out, and each way out must work: `pulumi up` first, `--run-program`, or credentials from
 * the environment, which the provider reads each time and the engine never stores.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { PulumiRun } from "../../scripts/projectSandbox";
import { RUN_PROGRAM_SINCE_CLI } from "../../provider/lifecycle/storedSettings";
import { apiWrites } from "../support/apiWrites";
import { startForwardingProxy, type ForwardingProxy } from "../support/forwardingProxy";
import { requirePulumi } from "../support/pulumiCli";
import {
  createModeProject,
  initStack,
  MODES,
  SETTINGS_NAMESPACE,
  type Mode,
  type ModeProject,
} from "../support/modeProject";

/** One token with a chosen name, and its status as an output. */
function program(mode: Mode): string {
  if (mode === "dynamic") {
    return `import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const token = new RegistryToken("ci", {
  registryId: config.require("registryId"),
  name: "stored-dynamic",
  scopes: [{ name: "app", type: "repository", actions: ["pull"] }],
});
export const status = token.status;
`;
  }
  return `config:
  registryId:
    type: string
resources:
  ci:
    type: ionos-registry-token:index:RegistryToken
    properties:
      registryId: \${registryId}
      name: stored-plugin
      scopes:
        - name: app
          type: repository
          actions: [pull]
outputs:
  status: \${ci.status}
`;
}

/** A new random API token. */
const apiToken = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

for (const mode of MODES) {
  describe(`settings stored at the last up, as refresh and destroy use them (${mode} mode, real CLI)`, function () {
    this.timeout(600_000);
    const ns = SETTINGS_NAMESPACE[mode];
    const tokens = { first: apiToken("first"), rotated: apiToken("rotated"), fromEnv: apiToken("env") };
    let emulator: RunningEmulator;
    /** The API's first address: a proxy in front of the emulator, closed when the endpoint "moves". */
    let oldAddress: ForwardingProxy;
    let project: ModeProject;
    const registryId = () => emulator.registries[0].id;
    const live = () => emulator.admin.listTokens(registryId());

    /** The API served reads only, each answered 200 (a refresh reads in its preview and again when it runs). */
    /** The token's stored inputs, from `pulumi stack export`. */
    function storedTokenInputs(exported: string): unknown {
      const state = JSON.parse(exported) as {
        deployment: { resources: Array<{ type: string; inputs?: unknown }> };
      };
      return state.deployment.resources.find((r) => r.type.includes("RegistryToken"))?.inputs;
    }

    function expectOnlyGoodReads(): void {
      const served = emulator.requests().map((r) => `${r.method} ${r.status}`);
      expect(served).to.not.deep.equal([]);
      expect(served.filter((r) => r !== "GET 200")).to.deep.equal([]);
    }

    /** Runs a command that must fail; what it printed. */
    async function failing(args: string[], env?: Record<string, string>): Promise<string> {
      try {
        await project.pulumi(args, env === undefined ? undefined : { env });
      } catch (error) {
        const run = error as PulumiRun;
        return `${run.stdout}${run.stderr}`;
      }
      throw new Error(`pulumi ${args.join(" ")} succeeded, but was expected to fail`);
    }

    /** What every failure caused by stored settings must say, and must not; `named`: the keys it names. */
    function expectStoredSettingsExplained(text: string, named: string): void {
      expect(text).to.include(
        "If this is `pulumi refresh`, `pulumi destroy`, or `pulumi up` or `preview` with `--refresh`: they read " +
          `with the provider settings stored in the stack by the last \`pulumi up\`, ${named} included, not ` +
          "with the current config.",
      );
      expect(text).to.include("run `pulumi up` (without `--refresh`) first");
      expect(text).to.include(`(Pulumi CLI ${RUN_PROGRAM_SINCE_CLI} or later for refresh and destroy`);
      for (const secret of Object.values(tokens)) expect(text).to.not.include(secret);
    }
    /** The keys a refused credential names: the token, and the endpoint, which came from the stack config too. */
    const credentialKeys = () => `${ns}:token and ${ns}:endpoint`;

    before(async () => {
      requirePulumi();
      emulator = await startEmulator({
        credentials: { token: tokens.first },
        registries: [{ name: `stored-${mode}` }],
      });
      oldAddress = await startForwardingProxy(emulator.url, (answer) => answer.send());
      project = await createModeProject({
        mode,
        project: `stored-${mode}`,
        passphrase: "stored",
        program: program(mode),
      });
      await initStack(
        project,
        mode,
        { endpoint: oldAddress.url, apiToken: tokens.first },
        // A short retry budget, so that an address that no longer answers fails in seconds, not a minute.
        { registryId: registryId(), "ionos-registry-token:retryBudgetMs": "1500" },
      );
      await project.pulumi(["up", "--yes"]);
      expect(live()).to.have.length(1);
    });
    after(async () => {
      project?.dispose();
      await oldAddress?.close();
      await emulator?.close();
    });

    it("refresh after the API token was rotated and fixed in the stack config fails, naming the stored settings and the ways out", async () => {
      emulator.setCredentials({ token: tokens.rotated });
      await project.pulumi(["config", "set", "--secret", `${ns}:token`], { input: tokens.rotated });
      emulator.clearRequests();
      const text = await failing(["refresh", "--yes"]);
      expect(text).to.include("HTTP 401");
      expect(text).to.include(
        `The credentials came from ${mode === "plugin" ? "provider" : "stack"} config ${ns}:token.`,
      );
      expectStoredSettingsExplained(text, credentialKeys());
      expect(apiWrites(emulator)).to.deep.equal([]);
    });

    it("destroy fails the same way, and deletes nothing", async () => {
      emulator.clearRequests();
      const text = await failing(["destroy", "--yes"]);
      expect(text).to.include("HTTP 401");
      expectStoredSettingsExplained(text, credentialKeys());
      // The DELETE was refused at the door.
      expect(apiWrites(emulator)).to.deep.equal(["DELETE 401"]);
      expect(live()).to.have.length(1);
    });

    it("preview --refresh fails the same way; preview --refresh --run-program (CLI >= 3.169) reads with the current config", async () => {
      emulator.clearRequests();
      const text = await failing(["preview", "--refresh"]);
      expect(text).to.include("HTTP 401");
      expectStoredSettingsExplained(text, credentialKeys());
      emulator.clearRequests();
      await project.pulumi(["preview", "--refresh", "--run-program"]);
      expectOnlyGoodReads();
    });

    it("refresh --run-program runs the program, so the provider gets the current config: it succeeds", async () => {
      const inputsBefore = storedTokenInputs((await project.pulumi(["stack", "export"])).stdout);
      emulator.clearRequests();
      const { stdout } = await project.pulumi(["refresh", "--yes", "--run-program", "--diff"]);
      expectOnlyGoodReads();
      // Nothing drifted, and the user is told so: no change line for the token, every resource unchanged, and
      // the stored inputs as they were. (The engine's progress line "refreshing [diff: -name,…]" compares the
      // program's properties as written with the stored, checked inputs before anything is read:
      // docs/troubleshooting.md.)
      expect(
        stdout.split("\n").filter((line) => /^\s*[~+-]+ .*RegistryToken/.test(line)),
        stdout,
      ).to.deep.equal([]);
      expect(stdout).to.match(/Resources:\s+\d+ unchanged\s*\n\s*\nDuration/);
      expect(storedTokenInputs((await project.pulumi(["stack", "export"])).stdout)).to.deep.equal(
        inputsBefore,
      );
    });

    it("when the current config is wrong too, refresh --run-program (or PULUMI_RUN_PROGRAM=true) fails without the stored-settings advice, which would send the user in a circle", async () => {
      const wrong = apiToken("wrong");
      await project.pulumi(["config", "set", "--secret", `${ns}:token`], { input: wrong });
      try {
        for (const [args, env] of [
          [["refresh", "--yes", "--run-program"], undefined],
          [["refresh", "--yes"], { PULUMI_RUN_PROGRAM: "true" }],
        ] as const) {
          emulator.clearRequests();
          const text = await failing([...args], env);
          expect(text).to.include("HTTP 401");
          expect(text).to.include(
            `The credentials came from ${mode === "plugin" ? "provider" : "stack"} config ${ns}:token.`,
          );
          expect(text).to.not.include("stored in the stack by the last `pulumi up`");
          expect(text).to.not.include(wrong);
          expect(apiWrites(emulator)).to.deep.equal([]);
        }
      } finally {
        await project.pulumi(["config", "set", "--secret", `${ns}:token`], { input: tokens.rotated });
      }
    });

    it("pulumi up stores the current settings, with no API write; a plain refresh then succeeds", async () => {
      emulator.clearRequests();
      await project.pulumi(["up", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal([]);
      emulator.clearRequests();
      await project.pulumi(["refresh", "--yes"]);
      expectOnlyGoodReads();
    });

    it("after the endpoint moved and was fixed in the stack config, refresh names the stored endpoint; --run-program works", async () => {
      await oldAddress.close();
      await project.pulumi(["config", "set", `${ns}:endpoint`, emulator.url]);
      emulator.clearRequests();
      const text = await failing(["refresh", "--yes"]);
      expect(text).to.include(`no response from ${oldAddress.url}`);
      expectStoredSettingsExplained(text, `${ns}:endpoint`);
      expect(text).to.include("IONOS_API_URL in the environment");
      expect(emulator.requests()).to.deep.equal([]);
      await project.pulumi(["refresh", "--yes", "--run-program"]);
      expectOnlyGoodReads();
    });

    it("an endpoint that answers 404 but is not the API: destroy fails naming it, and reports nothing deleted", async () => {
      // Something else now answers at the address the last `up` stored: a web server's 404 page.
      const notTheApi = http.createServer((_req, res) => {
        res.writeHead(404, { "Content-Type": "text/html" }).end("<html><body>Not Found</body></html>");
      });
      await new Promise<void>((resolve) => notTheApi.listen(0, "127.0.0.1", resolve));
      const elsewhere = `http://127.0.0.1:${(notTheApi.address() as AddressInfo).port}`;
      try {
        await project.pulumi(["config", "set", `${ns}:endpoint`, elsewhere]);
        await project.pulumi(["up", "--yes"]);
        await project.pulumi(["config", "set", `${ns}:endpoint`, emulator.url]);
        emulator.clearRequests();
        const text = await failing(["destroy", "--yes"]);
        expect(text).to.include("HTTP 404 (not an answer of the IONOS API: check the endpoint)");
        expectStoredSettingsExplained(text, `${ns}:endpoint`);
        expect(live()).to.have.length(1);
        const state = (await project.pulumi(["stack", "export"])).stdout;
        expect(state).to.include(live()[0]?.id as string);
      } finally {
        await new Promise<void>((resolve) => notTheApi.close(() => resolve()));
      }
      // `pulumi up` stores the right endpoint again.
      await project.pulumi(["up", "--yes"]);
    });

    it("credentials from the environment (the README's advice for CI) are never stored: after a rotation, only the variable changes", async () => {
      // The stack config stops setting credentials; one `up` stores settings without them.
      await project.pulumi(["config", "rm", `${ns}:token`]);
      await project.pulumi(["up", "--yes"], { env: { IONOS_TOKEN: tokens.rotated } });
      const stored = (await project.pulumi(["stack", "export", "--show-secrets"])).stdout;
      for (const secret of Object.values(tokens)) expect(stored).to.not.include(secret);

      emulator.setCredentials({ token: tokens.fromEnv });
      emulator.clearRequests();
      await project.pulumi(["refresh", "--yes"], { env: { IONOS_TOKEN: tokens.fromEnv } });
      expectOnlyGoodReads();
      emulator.clearRequests();
      await project.pulumi(["destroy", "--yes"], { env: { IONOS_TOKEN: tokens.fromEnv } });
      expect(apiWrites(emulator)).to.deep.equal(["DELETE 204"]);
      expect(live()).to.deep.equal([]);
    });
  });
}
