/**
 * What the user sees must not depend on the mode. One list of scenarios runs as a TypeScript program with the
 * dynamic provider (the packed tarball) and as a Pulumi YAML program with the plugin, with the real CLI against
 * an emulator each, and at every step compares what a person reads: the `preview --diff` lines, the stack
 * outputs (which are `[secret]`), the API's write log, and whether any secret value is plain text in the state.
 * Values that differ by nature (ids, generated suffixes, timestamps) are masked; everything else must match.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { apiWrites } from "../support/apiWrites";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { requirePulumi } from "../support/pulumiCli";
import {
  createModeProject,
  initStack,
  MODES,
  writeProgram,
  type Mode,
  type ModeProject,
} from "../support/modeProject";
import { modeProgram, SECRET_CONFIG, type TokenSpec } from "./modePrograms";

const DAY = 86_400_000;
const FIXED_EXPIRY = "2036-01-01T00:00:00Z";

/** A value that differs between the two runs by nature, replaced by what it is. */
function masked(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/\b(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\b/g, (date) => (date === FIXED_EXPIRY ? date : "<date>"))
    .replace(/-[a-z0-9]{8}\b/g, "-<suffix>")
    .replace(/\b(dynamic|plugin)\b/g, "<mode>");
}

/**
 * The lines of `preview --diff` that show a property change of a resource (not their ids, URNs or type names).
 * The stack outputs' section is left out: the dynamic host previews an update with the stored outputs, so the
 * stack outputs derived from them show their new values only at `up` (README, the two modes' table).
 */
function diffLines(stdout: string): string[] {
  return (
    stdout
      .split("--outputs:--")[0]
      .split("\n")
      .filter(
        (line) =>
          /^\s*(\+-|-\+|[-+~])\s*("?[\w[\]]+"?)\s*:/.test(line) && !/__provider|\[(urn|id)=/.test(line),
      )
      // Keys are padded to the longest key of their object, which differs with the properties each mode lists.
      .map((line) => masked(line.trim().replace(/\s+/g, " ").replace(/ :/, ":")))
  );
}

/** One mode's project, emulator and secrets. */
interface Side {
  mode: Mode;
  emulator: RunningEmulator;
  project: ModeProject;
  secrets: Record<string, string>;
  registryId: string;
  apiToken: string;
}

/** What a person sees after a step, in one mode. */
interface Seen {
  diff: string[];
  /** The whole `preview --diff` output, for the failure message. */
  preview?: string;
  writes: string[];
  outputs: unknown;
  plainSecrets: string[];
}

describe("the two modes show the user the same thing (TypeScript + dynamic provider, YAML + plugin; real CLI)", function () {
  this.timeout(900_000);
  const sides: Side[] = [];

  before(async () => {
    requirePulumi();
    for (const mode of MODES) {
      const apiToken = `diff-${randomBytes(12).toString("hex")}`;
      const emulator = await startEmulator({
        credentials: { token: apiToken },
        registries: [{ name: `diff-${mode}` }],
      });
      // Until the side is in `sides`, the after hook does not know its emulator and project: close them here.
      let project: ModeProject | undefined;
      try {
        const registryId = emulator.registries[0].id;
        project = await createModeProject({
          mode,
          project: `differential-${mode}`,
          passphrase: "differential",
          program: modeProgram(mode, {}),
        });
        const secrets = {
          [SECRET_CONFIG.registryId]: registryId,
          [SECRET_CONFIG.name]: `secret-name-${randomBytes(4).toString("hex")}`,
          [SECRET_CONFIG.scopeName]: `secret-scope-${randomBytes(4).toString("hex")}`,
          [SECRET_CONFIG.seed]: `secret-seed-${randomBytes(8).toString("hex")}`,
        };
        await initStack(project, mode, { endpoint: emulator.url, apiToken }, { registryId });
        for (const [key, value] of Object.entries(secrets))
          await project.pulumi(["config", "set", "--secret", key], { input: value });
        sides.push({ mode, emulator, project, secrets, registryId, apiToken });
      } catch (error) {
        project?.dispose();
        await emulator.close();
        throw error;
      }
    }
  });
  after(async () => {
    for (const side of sides) {
      side.project.dispose();
      await side.emulator.close();
    }
  });

  /** The secret values (not the registry id, which the API's paths and ids repeat in plain text by design). */
  const secretValues = (side: Side) =>
    Object.entries(side.secrets)
      .filter(([key]) => key !== SECRET_CONFIG.registryId)
      .map(([, value]) => value);

  /**
   * Writes `tokens` as each mode's program, runs `before` (e.g. a second actor's change), then `preview --diff`
   * and `up` (with `env`), and returns what each mode showed.
   */
  async function step(
    tokens: Record<string, TokenSpec>,
    options: {
      before?: (side: Side) => Promise<void> | void;
      env?: Record<string, string>;
      up?: string[];
      /** A replacement: the dynamic host's display (no detailed diff) also lists what the new token changes. */
      replaces?: boolean;
    } = {},
  ): Promise<Seen[]> {
    const seen: Seen[] = [];
    for (const side of sides) {
      writeProgram(side.project, side.mode, modeProgram(side.mode, tokens));
      await options.before?.(side);
      side.emulator.clearRequests();
      const preview = await side.project.pulumi(["preview", "--diff"], { env: options.env });
      expect(apiWrites(side.emulator), `${side.mode}: a preview writes nothing`).to.deep.equal([]);
      await side.project.pulumi(["up", "--yes", ...(options.up ?? [])], { env: options.env });
      const writes = apiWrites(side.emulator);
      const outputs = JSON.parse(masked((await side.project.pulumi(["stack", "output", "--json"])).stdout));
      const state = (await side.project.pulumi(["stack", "export"])).stdout;
      const plainSecrets = secretValues(side).filter((value) => state.includes(value));
      seen.push({ diff: diffLines(preview.stdout), preview: preview.stdout, writes, outputs, plainSecrets });
    }
    const [dynamic, plugin] = seen;
    const context = `plugin:\n${plugin.preview}\ndynamic:\n${dynamic.preview}`;
    if (options.replaces) {
      // The plugin's detailed diff names what replaces the token; the engine's display of a dynamic resource
      // compares the whole stored state with the new inputs: output-only properties as removed, a generated
      // name's new suffix (README, the two modes' table). Everything the plugin shows, the dynamic mode shows.
      expect(dynamic.diff, context).to.include.members(plugin.diff);
      const extra = dynamic.diff.filter((line) => !plugin.diff.includes(line));
      for (const line of extra)
        expect(line, context).to.match(/^- (createdDate|password|tokenId|username):|^~ name:/);
    } else expect(plugin.diff, `the preview --diff lines, ${context}`).to.deep.equal(dynamic.diff);
    expect(plugin.writes, "the API writes, plugin vs dynamic").to.deep.equal(dynamic.writes);
    expect(plugin.outputs, "the stack outputs, plugin vs dynamic").to.deep.equal(dynamic.outputs);
    for (const s of seen)
      expect(s.plainSecrets, "secret values in plain text in the state").to.deep.equal([]);
    return seen;
  }

  const main: TokenSpec = {
    name: "main-token",
    status: "enabled",
    scopes: [{ name: "app", type: "repository", actions: ["pull"] }],
    expiryDate: FIXED_EXPIRY,
    rotationTriggers: { generation: "1" },
    deleteBeforeReplace: true,
  };
  /** A secret at each input, each on a token of its own. */
  const secretTokens: Record<string, TokenSpec> = {
    // Resource names apart from the config keys: Pulumi YAML has one namespace for both.
    withSecretName: { secret: ["name"], scopes: [] },
    withSecretScope: {
      secret: ["scopeName"],
      scopes: [{ name: "x", type: "repository", actions: ["pull"] }],
    },
    withSecretSeed: { secret: ["seed"] },
    withSecretRegistry: { secret: ["registryId"] },
  };
  const rotating: TokenSpec = { expiresIn: "30d", rotateBefore: "7d" };
  const all = (mainSpec: TokenSpec) => ({ main: mainSpec, ...secretTokens, rotating });

  it("create: a secret at each input stays secret; the same plan, writes and outputs", async () => {
    const [dynamic] = await step(all(main));
    expect(dynamic.writes).to.deep.equal(Array(6).fill("POST 201"));
  });

  const drift = (side: Side) => {
    const token = side.emulator.admin
      .listTokens(side.registryId)
      .find((t) => t.properties.name === "main-token")!;
    side.emulator.admin.patchToken(side.registryId, token.id, {
      status: "disabled",
      scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
      expiryDate: "2037-01-01T00:00:00Z",
    });
  };
  const refreshAfter = (change: (side: Side) => void) => async (side: Side) => {
    change(side);
    await side.project.pulumi(["refresh", "--yes"]);
  };

  it("drift of status, scopes and expiryDate: the same diff lines (live value on the left), one PATCH each", async () => {
    const [dynamic] = await step(all(main), { before: refreshAfter(drift) });
    expect(dynamic.diff).to.include.members([
      '~ status: "disabled" => "enabled"',
      '~ expiryDate: "<date>" => "2036-01-01T00:00:00Z"',
      '- [1]: "push"',
    ]);
    expect(dynamic.writes).to.deep.equal(["PATCH 200"]);
  });

  for (const ignored of [["status"], ["scopes"], ["expiryDate"], ["*"]]) {
    it(`ignoreChanges ${JSON.stringify(ignored)}: the same drift is kept, the rest restored, alike`, async () => {
      await step(all({ ...main, ignoreChanges: ignored }), { before: refreshAfter(drift) });
      // Back to the declared values for the next case.
      await step(all(main));
    });
  }

  for (const removed of ["expiryDate", "rotationTriggers", "scopes", "status"] as const) {
    it(`removing ${removed} from the program: the same preview, writes and outputs`, async () => {
      const spec = { ...main };
      delete spec[removed];
      await step(all(spec));
      await step(all(main));
    });
  }

  it("a rename replaces the token alike: created first by the provider's order, deleted first by the option", async () => {
    const [byProvider] = await step(all({ ...main, name: "main-moved", deleteBeforeReplace: undefined }), {
      replaces: true,
    });
    expect(byProvider.writes).to.deep.equal(["POST 201", "DELETE 204"]);
    const [byOption] = await step(all({ ...main, name: "main-renamed" }), { replaces: true });
    expect(byOption.writes).to.deep.equal(["DELETE 204", "POST 201"]);
  });

  it("`up --replace` replaces alike", async () => {
    const urn = (side: Side) =>
      `urn:pulumi:dev::differential-${side.mode}::${side.mode === "dynamic" ? "pulumi-nodejs:dynamic/ionos:RegistryToken" : "ionos-registry-token:index:RegistryToken"}::main`;
    const seen: Seen[] = [];
    for (const side of sides) {
      side.emulator.clearRequests();
      await side.project.pulumi(["up", "--yes", "--replace", urn(side)]);
      seen.push({ diff: [], writes: apiWrites(side.emulator), outputs: null, plainSecrets: [] });
    }
    expect(seen[1].writes).to.deep.equal(seen[0].writes).and.deep.equal(["DELETE 204", "POST 201"]);
  });

  it("rotation by the clock: the same replacement, shown by the expiry", async () => {
    const expiry = Date.parse(
      sides[0].emulator.admin
        .listTokens(sides[0].registryId)
        .find((t) => t.properties.name.startsWith("rotating-"))!.properties.expiryDate as string,
    );
    const env = { IONOS_REGISTRY_TOKEN_CLOCK: new Date(expiry - 6 * DAY).toISOString() };
    const [dynamic] = await step(all({ ...main, name: "main-renamed" }), { env, replaces: true });
    expect(dynamic.diff).to.include('~ expiryDate: "<date>" => "<date>"');
    expect(dynamic.writes).to.deep.equal(["POST 201", "DELETE 204"]);
  });

  it("adopting a token another actor made: no write, and the declaring program previews no change, alike", async () => {
    const made = {
      name: "made-elsewhere",
      status: "enabled",
      scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
    };
    for (const side of sides) {
      const created = await new EmulatorApi(side.emulator.url, bearerAuth(side.apiToken)).request(
        "POST",
        `/registries/${side.registryId}/tokens`,
        { body: { properties: made } },
      );
      expect(created.status).to.equal(201);
      const id = `${side.registryId}/${created.json.id as string}`;
      side.emulator.clearRequests();
      // Each mode's way (README, the two modes' table): import-file and `pulumi import --file`, or plain import.
      if (side.mode === "dynamic") {
        await side.project.npx!(
          ["ionos-registry-token", "import-file", id, "--name", "adopted", "--out", "import.json"],
          {
            env: { IONOS_TOKEN: side.apiToken, IONOS_API_URL: side.emulator.url },
          },
        );
        await side.project.pulumi(["import", "--file", "import.json", "--generate-code=false", "--yes"]);
      } else {
        await side.project.pulumi([
          "import",
          "ionos-registry-token:index:RegistryToken",
          "adopted",
          id,
          "--generate-code=false",
          "--yes",
        ]);
      }
      expect(apiWrites(side.emulator), `${side.mode}: an import writes nothing`).to.deep.equal([]);
    }
    const adopted: TokenSpec = { ...made, status: "enabled", name: made.name };
    const [dynamic] = await step({ ...all({ ...main, name: "main-renamed" }), adopted });
    expect(dynamic.diff).to.deep.equal([]);
    expect(dynamic.writes).to.deep.equal([]);
  });

  it("destroy deletes everything alike", async () => {
    for (const side of sides) {
      // `pulumi import` protects what it adopts.
      await side.project.pulumi(["state", "unprotect", "--all", "--yes"]);
      await side.project.pulumi(["destroy", "--yes"]);
      expect(side.emulator.admin.listTokens(side.registryId)).to.deep.equal([]);
    }
  });
});
