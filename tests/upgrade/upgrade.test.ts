/**
 * Upgrades never break a stack: every stack recorded with an earlier release (`baselines/`, see `baseline.ts`)
 * is imported into a fresh backend, its emulator restored from the recorded data at the recorded address, and
 * the package under test installed as a user installs it (the packed tarball in dynamic mode, this checkout's
 * plugin in plugin mode). Then, with the real CLI: `preview` expects no change, `refresh` writes nothing and
 * keeps every output (the passwords above all), `preview` again expects no change, and `destroy` deletes every
 * token. Refresh and destroy run with the provider glue the old release serialized into the state, which loads
 * this package's code by a module path: the contract `package.json` `exports` keeps.
 */
import { expect } from "chai";
import { createHash } from "crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { apiWrites } from "../support/apiWrites";
import { requirePulumi } from "../support/pulumiCli";
import { createModeProject, type ModeProject } from "../support/modeProject";
import { copyInto, FILES, listBaselines, type Baseline } from "./baseline";

/** A resource as `pulumi stack export` writes it. */
interface StateResource {
  urn: string;
  type: string;
  id?: string;
  protect?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The recorded tokens' resources of an exported deployment, by resource name (the URN's last part). */
function tokenResources(exported: string): Map<string, StateResource> {
  const deployment = (JSON.parse(exported) as { deployment: { resources?: StateResource[] } }).deployment;
  const tokens = new Map<string, StateResource>();
  for (const resource of deployment.resources ?? [])
    if (/RegistryToken$/.test(resource.type)) tokens.set(resource.urn.split("::").pop()!, resource);
  return tokens;
}

/** The engine's marker of a secret value in an exported deployment. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** A value of `pulumi stack export --show-secrets` with each secret replaced by its plain value. */
function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIGNATURE in record && typeof record.plaintext === "string")
    return revealed(JSON.parse(record.plaintext));
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, revealed(inner)]));
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("upgrades: stacks recorded with earlier releases work unchanged with this one (real CLI)", function () {
  this.timeout(900_000);
  const baselines = listBaselines();

  it("the 0.1.0 baselines of both modes are in the repository", () => {
    const recorded = baselines.map((b) => `${b.manifest.version}/${b.manifest.mode}`);
    expect(recorded).to.include.members(["0.1.0/dynamic", "0.1.0/plugin"]);
  });

  for (const baseline of baselines) replay(baseline);
});

/** The replay of one baseline, as a user who upgraded the package would run their stack. */
function replay({ dir, manifest }: Baseline): void {
  describe(`${manifest.version} ${manifest.mode} stack (recorded from ${manifest.commit.slice(0, 12)})`, function () {
    let emulator: RunningEmulator;
    let project: ModeProject;
    let dataDir: string;
    const pulumi = (args: string[]) => project.pulumi(args);
    const exportState = async (showSecrets = false) =>
      (await pulumi(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])])).stdout;
    const liveTokenIds = () => emulator.admin.listTokens(manifest.registryId).map((t) => t.id);
    let imported: Map<string, StateResource>;

    before(async function () {
      requirePulumi();
      const port = Number(new URL(manifest.endpoint).port);
      dataDir = mkdtempSync(path.join(tmpdir(), "ionos-upgrade-"));
      const dataFile = path.join(dataDir, FILES.emulatorData);
      copyFileSync(path.join(dir, FILES.emulatorData), dataFile);
      emulator = await startEmulator({ port, credentials: { token: manifest.apiToken }, dataFile }).catch(
        (error: Error) => {
          throw new Error(`the recorded endpoint ${manifest.endpoint} cannot be served: ${error.message}`);
        },
      );
      expect(emulator.url).to.equal(manifest.endpoint);
      project = await createModeProject({
        mode: manifest.mode,
        project: manifest.project,
        passphrase: manifest.passphrase,
        program: readFileSync(path.join(dir, FILES.program[manifest.mode]), "utf8"),
      });
      copyInto(dir, project.projectDir, FILES.config);
      await pulumi(["stack", "init", manifest.stack, "--secrets-provider", "passphrase"]);
      await pulumi(["stack", "import", "--file", path.join(dir, FILES.stack)]);
      imported = tokenResources(await exportState(true));
      emulator.clearRequests();
    });
    after(async () => {
      project?.dispose();
      await emulator?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("the imported state holds every recorded token, with the recorded passwords", () => {
      expect([...imported.keys()].sort()).to.deep.equal(Object.keys(manifest.tokens).sort());
      for (const [name, resource] of imported) {
        expect(resource.id, name).to.equal(`${manifest.registryId}/${manifest.tokens[name]}`);
        expect(resource.outputs?.tokenId, name).to.equal(manifest.tokens[name]);
      }
      // The recording hashed the `passwords` stack output as `stack output --json` prints it (keys sorted).
      const passwords = Object.fromEntries(
        [...imported.keys()].sort().map((name) => [name, revealed(imported.get(name)?.outputs?.password)]),
      );
      expect(sha256(JSON.stringify(passwords))).to.equal(manifest.secretOutputSha256.passwords);
      expect(liveTokenIds().sort()).to.deep.equal(Object.values(manifest.tokens).sort());
    });

    it("preview --expect-no-changes: no update, no replacement, no API write", async () => {
      const { stdout } = await pulumi(["preview", "--expect-no-changes", "--diff"]);
      expect(stdout).to.match(/Resources:\s+\d+ unchanged\s*$/m);
      expect(stdout).to.not.match(/to (create|update|replace|delete)|~ update|\+- replace/);
      expect(apiWrites(emulator)).to.deep.equal([]);
    });

    it("refresh writes nothing and keeps every stored output, the passwords included", async () => {
      await pulumi(["refresh", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal([]);
      // The CLI previews the refresh, then refreshes: each token is read, and nothing else is asked.
      const read = new Set(emulator.requests().map((r) => `${r.method} ${r.path}`));
      const tokenPaths = Object.values(manifest.tokens).map(
        (tokenId) => `GET /containerregistries/registries/${manifest.registryId}/tokens/${tokenId}`,
      );
      expect([...read].sort()).to.deep.equal(tokenPaths.sort());
      const refreshed = tokenResources(await exportState(true));
      for (const [name, before] of imported) {
        const after = refreshed.get(name);
        // The serialized provider (dynamic mode) apart, so that a failure shows the property that changed.
        const { __provider: providerBefore, ...outputsBefore } = before.outputs ?? {};
        const { __provider: providerAfter, ...outputsAfter } = after?.outputs ?? {};
        expect(outputsAfter, `${name}'s outputs after refresh`).to.deep.equal(outputsBefore);
        expect(providerAfter === providerBefore, `${name}'s serialized provider kept`).to.equal(true);
        expect(after?.inputs, `${name}'s inputs after refresh`).to.deep.equal(before.inputs);
      }
    });

    it("preview after the refresh still expects no changes", async () => {
      await pulumi(["preview", "--expect-no-changes"]);
      expect(apiWrites(emulator)).to.deep.equal([]);
    });

    it("the stack's outputs are the recorded ones; every password is a secret, ciphertext in the state", async () => {
      const shown = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<
        string,
        unknown
      >;
      expect(shown).to.deep.equal(manifest.outputs);
      const plain = JSON.parse(
        (await pulumi(["stack", "output", "--json", "--show-secrets"])).stdout,
      ) as Record<string, unknown>;
      for (const [key, digest] of Object.entries(manifest.secretOutputSha256))
        expect(sha256(JSON.stringify(plain[key])), `stack output ${key}`).to.equal(digest);
      const passwords = plain.passwords as Record<string, string>;
      const state = await exportState();
      for (const [name, password] of Object.entries(passwords)) {
        expect(revealed(imported.get(name)?.outputs?.password), `${name}'s password in the state`).to.equal(
          password,
        );
        if (password !== "") expect(state, `${name}'s password`).to.not.include(password);
      }
      expect(state).to.not.include(manifest.apiToken);
    });

    it("destroy deletes every token, with one DELETE each", async () => {
      emulator.clearRequests();
      await pulumi(["destroy", "--yes"]);
      expect(apiWrites(emulator)).to.deep.equal(Array(imported.size).fill("DELETE 204"));
      expect(liveTokenIds()).to.deep.equal([]);
    });
  });
}
