/**
 * Host-level behaviours that registryToken.host.test.ts (and the input suite's host sample) establish for the
 * dynamic provider and that tests/plugin/plugin.test.ts does not cover for the plugin, run in both modes:
 * check and diff rules without API calls, refresh and delete of a vanished token, replacement order, and
 * what a configuration mistake says. What plugin.test.ts already covers (schema, previews, invokes, import,
 * in-place update, detailed diff) is not repeated here, nor what the fault and secret-scan suites run per mode.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { UNKNOWN } from "../../provider/rules/unknown";
import type { HostResource, Props } from "../support/hostSession";
import {
  MODE_TITLE,
  MODES,
  startDriver,
  type Mode,
  type ModeDriver,
  type SessionSettings,
} from "../support/modes";
import { INPUT_KEYS } from "../input/arbitraries";
import { apiWrites } from "../support/apiWrites";

const API_TOKEN = `modes-${randomBytes(12).toString("hex")}`;
const PULL = [{ name: "*", type: "repository", actions: ["pull"] }];

/**
 * Where each mode's user sets a credential: a dynamic provider reads the `ionoscloud` namespace of the stack
 * config, the plugin its own package's provider config (README, "Provider plugin").
 */
const CONFIG_KEY: Record<Mode, (setting: "token" | "username" | "password") => string> = {
  dynamic: (setting) => `ionoscloud:${setting}`,
  plugin: (setting) => `ionos-registry-token:${setting}`,
};

for (const mode of MODES) describeMode(mode);

function describeMode(mode: Mode): void {
  describe(`RegistryToken host-level behaviour (${mode}): through the ${MODE_TITLE[mode]}`, function () {
    this.timeout(60_000);
    let emulator: RunningEmulator;
    let driver: ModeDriver;
    let registryId: string;
    let otherRegistryId: string;
    const writes = () => apiWrites(emulator);
    const program = (args: Props = {}) => driver.program({ registryId, scopes: PULL, ...args });

    before(async () => {
      emulator = await startEmulator({
        credentials: { token: API_TOKEN },
        registries: [{ name: "main" }, { name: "other" }],
      });
      [registryId, otherRegistryId] = emulator.registries.map((r) => r.id);
      driver = await startDriver(mode, { settings: { token: API_TOKEN, endpoint: emulator.url } });
    });
    after(async () => {
      await driver?.close();
      await emulator?.close();
    });
    beforeEach(() => emulator.clearRequests());

    /** A driver with other settings, for one create; answers its error (or throws when it succeeds). */
    async function createFailure(settings: SessionSettings, env: Record<string, string> = {}) {
      const other = await startDriver(mode, { settings, env });
      try {
        const { inputs } = await other.check({}, await other.program({ registryId, name: "settings" }));
        return await other.create(inputs).then(
          () => expect.fail("the create should have failed"),
          (error: Error) => error,
        );
      } finally {
        await other.close();
      }
    }

    describe("check and diff, without calling the API", () => {
      it("checks and diffs unknown inputs: no failure, an in-place change", async () => {
        const news = await program({
          status: UNKNOWN,
          scopes: [{ name: UNKNOWN, type: "repository", actions: ["pull"] }],
        });
        const { inputs, failures } = await driver.check({}, news);
        expect(failures).to.deep.equal([]);
        expect(inputs.status).to.equal(UNKNOWN);
        const olds = { ...inputs, status: "enabled", scopes: [] };
        const diff = await driver.diff({ id: `${registryId}/x`, inputs: {}, outs: olds }, inputs);
        expect(diff).to.deep.include({ changes: "some", replaces: [] });
        expect(emulator.requests()).to.deep.equal([]);
      });

      it("refuses bad input naming each property", async () => {
        const { failures } = await driver.check(
          {},
          await program({
            name: "9-bad",
            expiryDate: "2001-01-01T00:00:00Z",
            scopes: [{ name: "*", type: "repository", actions: ["pull", "fly"] }],
          }),
        );
        expect(failures.map((f) => f.property)).to.deep.equal(["name", "expiryDate", "scopes[0].actions[1]"]);
        expect(failures[1].reason).to.match(/at least one hour in the future/);
        expect(emulator.requests()).to.deep.equal([]);
      });

      it("answers a missing, null or wrongly typed value at every input key with exactly one failure naming it", async () => {
        // As tests/input/check.property.test.ts asks of the dynamic host: optional keys take null and absence
        // as "not set", only registryId is required; a map is what rotationTriggers is, [] a valid scopes.
        const valid = { registryId, name: "ci-push" };
        for (const key of INPUT_KEYS) {
          const missing: Props = { ...valid };
          delete missing[key];
          const cases: Array<[string, Props, boolean]> = [
            ["absent", missing, key === "registryId"],
            ["null", { ...valid, [key]: null }, key === "registryId"],
            ...[42, true, [], { nested: 1 }]
              .filter((v) => !(key === "rotationTriggers" && typeof v === "object" && !Array.isArray(v)))
              .filter((v) => !(key === "scopes" && Array.isArray(v)))
              .map((v): [string, Props, boolean] => [JSON.stringify(v), { ...valid, [key]: v }, true]),
          ];
          for (const [what, news, fails] of cases) {
            const { failures } = await driver.check({}, await driver.program(news));
            const named = failures.map((f) => f.property.split(/[.[]/)[0]);
            expect(named, `${key} ${what}`).to.deep.equal(fails ? [key] : []);
          }
        }
        expect(emulator.requests()).to.deep.equal([]);
      });
    });

    describe("a token that vanished", () => {
      it("is dropped from the state on refresh (an empty id)", async () => {
        const token = await driver.up(await program());
        emulator.admin.deleteToken(registryId, String(token.outs.tokenId));
        expect((await driver.read(token)).id).to.equal("");
      });

      it("is deleted twice without an error: the second DELETE answers 404", async () => {
        const token = await driver.up(await program());
        emulator.clearRequests();
        await driver.delete(token);
        await driver.delete(token);
        expect(writes()).to.deep.equal(["DELETE 204", "DELETE 404"]);
        expect(emulator.admin.listTokens(registryId).map((t) => t.id)).to.not.include(token.outs.tokenId);
      });
    });

    describe("replacement order", () => {
      /** The diff of `resource` against `args`, checked against its inputs as the engine does. */
      async function diffTo(resource: HostResource, args: Props) {
        const checked = await driver.check(resource.inputs, await program(args));
        expect(checked.failures).to.deep.equal([]);
        return { checked: checked.inputs, diff: await driver.diff(resource, checked.inputs) };
      }

      it("creates first on a rename or a move; deletes first when a replacement keeps a chosen name in its registry", async () => {
        const first = await driver.up(await program({ name: "fixed-name" }));
        const renamed = await diffTo(first, { name: "new-name" });
        expect(renamed.diff).to.deep.equal({
          changes: "some",
          replaces: ["name"],
          deleteBeforeReplace: false,
        });
        // Names are unique per registry only: the successor in another registry can come first.
        const moved = await diffTo(first, { name: "fixed-name", registryId: otherRegistryId });
        expect(moved.diff).to.deep.include({ replaces: ["registryId"], deleteBeforeReplace: false });
        const rotated = await diffTo(first, { name: "fixed-name", rotationTriggers: { generation: 2 } });
        expect(rotated.diff).to.deep.equal({
          changes: "some",
          replaces: ["rotationTriggers"],
          deleteBeforeReplace: true,
        });
        const clash = await driver.create(rotated.checked).catch((e: Error) => e);
        // The 409 names the token holding the name: here the resource's own, still there.
        expect((clash as Error).message).to.match(
          new RegExp(`^A token named "fixed-name" \\(${first.id.split("/")[1]}\\) already exists`),
        );
        await driver.delete(first);
      });

      it("moves an autonamed token to another registry by creating first, keeping its generated name", async () => {
        const first = await driver.up(await program());
        const moved = await diffTo(first, { registryId: otherRegistryId });
        expect(moved.checked.name).to.equal(first.outs.name);
        expect(moved.diff).to.deep.equal({
          changes: "some",
          replaces: ["registryId"],
          deleteBeforeReplace: false,
        });
        await driver.delete(first);
      });
    });

    describe("configuration mistakes", () => {
      it("refuses to send credentials over plain http to a non-loopback host", async () => {
        const error = await createFailure({ token: "t-123456", endpoint: "http://registry.example.com" });
        expect(error.message).to.match(/Refusing to send IONOS credentials over plain http/);
      });

      it("fails a create when credentials are missing, naming the config key this mode reads", async () => {
        const error = await createFailure({ endpoint: emulator.url });
        // The whole message on failure: it is the advice a user would follow.
        expect(error.message, error.message).to.include(CONFIG_KEY[mode]("token")).and.include("IONOS_TOKEN");
        expect(emulator.requests()).to.have.length(0);
      });

      it("fails a create with half the credentials, naming the config keys this mode reads", async () => {
        const error = await createFailure({ username: "ops@example.com", endpoint: emulator.url });
        expect(error.message, error.message).to.include(
          `${CONFIG_KEY[mode]("username")} is set but ${CONFIG_KEY[mode]("password")} is missing`,
        );
      });

      it("says which config key the refused credentials came from", async () => {
        const error = await createFailure({
          token: `wrong-${randomBytes(8).toString("hex")}`,
          endpoint: emulator.url,
        });
        expect(error.message).to.match(/registriesTokensPost .* HTTP 401/);
        expect(error.message, error.message).to.include(
          `The credentials came from ${mode === "plugin" ? "provider" : "stack"} config ${CONFIG_KEY[mode]("token")}.`,
        );
      });
    });
  });
}
