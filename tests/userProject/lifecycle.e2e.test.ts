import { expect } from "chai";
import { execFileSync, spawn } from "child_process";
import { randomBytes } from "crypto";
import { once } from "events";
import { readFileSync } from "fs";
import * as path from "path";
import { createInterface } from "readline";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { requirePulumi } from "../support/pulumiCli";
import { createUserProject, NEWEST_SDK, type UserProject } from "../support/userProject";
import { USER_PROGRAM } from "./program";
import { apiWrites } from "../support/apiWrites";

const API_TOKEN = `user-project-${randomBytes(12).toString("hex")}`;
const EXPIRY = new Date(Date.now() + 40 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");

type View = Record<string, unknown> & { types: string[] };

describe("user project: the packed tarball in a new TypeScript project, run by the real CLI", function () {
  this.timeout(600_000);
  let emulator: RunningEmulator;
  let project: UserProject;

  before(async function () {
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "users" }] });
    project = await createUserProject("user-project", {
      name: "my-tokens",
      files: { "index.ts": USER_PROGRAM },
    });
    await project.pulumi(["stack", "init", "dev"]);
    await project.pulumi(["config", "set", "registryId", registryId()]);
    await project.pulumi(["config", "set", "expiryDate", EXPIRY]);
    await project.pulumi(["config", "set", "ionoscloud:endpoint", emulator.url]);
    await project.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: API_TOKEN });
  });
  after(async () => {
    project?.dispose();
    await emulator?.close();
  });

  const registryId = () => emulator.registries[0].id;
  const live = () => emulator.admin.listTokens(registryId());
  const liveNamed = (name: string) => live().find((t) => t.properties.name === name);
  const writes = () => apiWrites(emulator);
  /** Everything the run printed; checked for warnings a user would see. */
  const printed: string[] = [];
  async function pulumi(args: string[], env?: Record<string, string>) {
    const run = await project.pulumi(args, { env });
    if (!args.includes("--show-secrets")) printed.push(run.stdout + run.stderr);
    return run;
  }
  async function outputs(showSecrets = false): Promise<Record<string, unknown>> {
    const run = await pulumi(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])]);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  }

  it("installs exactly one @pulumi/pulumi, the newest 3.x, next to the package", async () => {
    const paths = (await project.npm(["ls", NEWEST_SDK.replace(/@3$/, ""), "--all", "--parseable"])).stdout
      .trim()
      .split("\n")
      .filter((p) => p.includes("@pulumi/pulumi"));
    expect(paths, "copies of @pulumi/pulumi in the user project").to.deep.equal([
      path.join(project.projectDir, "node_modules/@pulumi/pulumi"),
    ]);
    const tree = (await project.npm(["ls", "@pulumi/pulumi", "--all"])).stdout;
    console.log(`      npm ls @pulumi/pulumi:\n${tree.replace(/^/gm, "        ")}`);
    expect(tree).to.match(/ionos-registry-token@[\d.]+\n.*@pulumi\/pulumi@[\d.]+ deduped/);
    const installed = JSON.parse(
      readFileSync(path.join(project.projectDir, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ) as { version: string };
    const newest = JSON.parse(
      execFileSync("npm", ["view", NEWEST_SDK, "version", "--json"], { encoding: "utf8" }),
    ) as string | string[];
    expect(installed.version).to.equal([newest].flat().pop());
  });

  it("previews three creates and a read without writing to the API", async () => {
    emulator.clearRequests();
    const preview = await pulumi(["preview", "--diff"]);
    // Three tokens and the stack itself.
    expect(preview.stdout).to.match(/\+ 4 to create/);
    for (const name of ["named", "planned", "minimal"])
      expect(preview.stdout).to.match(
        new RegExp(
          `\\+ pulumi-nodejs:dynamic/ionos:RegistryToken: \\(create\\)[\\s\\S]*?\\[urn=[^\\]]*::${name}\\]`,
        ),
      );
    expect(writes()).to.deep.equal([]);
  });

  it("up: every declared property resolves at run time, in all three cases and for RegistryToken.get", async () => {
    emulator.clearRequests();
    await pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["POST 201", "POST 201", "POST 201"]);
    const out = await outputs();
    const tokens = out.tokens as Record<string, View>;
    const named = liveNamed("user-named")!;
    const [planned] = live().filter((t) => t.properties.name.startsWith("ci-"));
    const [minimal] = live().filter((t) => t.properties.name.startsWith("minimal-"));
    expect(named && planned && minimal, "the three tokens exist").to.be.ok;
    const common = (t: typeof named) => ({
      registryId: registryId(),
      name: t.properties.name,
      tokenId: t.id,
      username: t.properties.name,
      createdDate: t.metadata.createdDate,
      types: ["string", "string", "object", "string", "string"],
    });

    expect(tokens.named).to.deep.equal({
      ...common(named),
      namePrefix: null,
      expiresIn: null,
      rotateBefore: null,
      rotationTriggers: { generation: "1" },
      expiryDate: EXPIRY,
      status: "disabled",
      scopes: [
        { name: "team-a/*", type: "repository", actions: ["pull", "push"] },
        { name: "catalog", type: "registry", actions: ["pull"] },
      ],
    });
    expect(tokens.planned).to.deep.equal({
      ...common(planned),
      namePrefix: "ci",
      expiresIn: "30d",
      rotateBefore: "7d",
      rotationTriggers: { reason: "first" },
      expiryDate: planned.properties.expiryDate,
      status: "enabled",
      scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
    });
    expect(planned.properties.expiryDate).to.be.a("string");
    expect(tokens.minimal).to.deep.equal({
      ...common(minimal),
      namePrefix: "minimal",
      expiresIn: null,
      rotateBefore: null,
      rotationTriggers: null,
      expiryDate: null,
      status: "enabled",
      scopes: [],
    });
    // The look-up knows only what the API says: no provider-side inputs.
    expect(tokens.adopted).to.deep.equal({
      ...tokens.named,
      rotationTriggers: null,
    });
    expect(out.adoptedGreeting).to.equal("hello USER-NAMED");

    expect(out.passwords).to.deep.equal({
      named: "[secret]",
      planned: "[secret]",
      minimal: "[secret]",
      adopted: "[secret]",
    });
    const passwords = (await outputs(true)).passwords as Record<string, string>;
    for (const name of ["named", "planned", "minimal"])
      expect(passwords[name]).to.be.a("string").with.length.above(8);
    expect(passwords.adopted).to.equal("");
    for (const run of printed)
      for (const p of Object.values(passwords).filter(Boolean)) expect(run).to.not.include(p);
  });

  it("refresh records an out-of-band change by a second actor; the next up restores the declared token", async () => {
    const before = (await outputs(true)).passwords as Record<string, string>;
    const named = liveNamed("user-named")!;
    emulator.admin.patchToken(registryId(), named.id, { status: "enabled", scopes: [] });
    emulator.clearRequests();
    const refresh = await pulumi(["refresh", "--yes"]);
    // The managed token and its look-up (the same token) both show the drift.
    expect(refresh.stdout).to.match(/~ 2 updated/);
    expect(writes()).to.deep.equal([]);
    // Stack outputs are the program's and change only with `up`: the state shows what refresh recorded.
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout) as {
      deployment: { resources: Array<{ urn: string; outputs: Record<string, unknown> }> };
    };
    const recorded = state.deployment.resources.find((r) => r.urn.endsWith("::named"))!.outputs;
    expect(recorded.status).to.equal("enabled");
    expect(recorded.scopes).to.deep.equal([]);

    const preview = await pulumi(["preview"]);
    expect(preview.stdout).to.match(/~\s+pulumi-nodejs:dynamic\/ionos:RegistryToken\s+named\s+update/);
    expect(preview.stdout).to.match(/~ 1 to update/);
    emulator.clearRequests();
    await pulumi(["up", "--yes"]);
    expect(writes()).to.deep.equal(["PATCH 200"]);
    expect(liveNamed("user-named")!.properties.status).to.equal("disabled");
    expect(liveNamed("user-named")!.properties.scopes).to.have.length(2);
    const restored = await outputs(true);
    expect((restored.tokens as Record<string, View>).named.status).to.equal("disabled");
    expect(restored.passwords, "passwords survive refresh and update").to.deep.equal(before);
    await pulumi(["preview", "--expect-no-changes"]);
  });

  it("destroy deletes every token it created, and only those", async () => {
    // A second actor (another stack, a person in the console) owns a token in the same registry.
    const other = await new EmulatorApi(emulator.url, bearerAuth(API_TOKEN)).request(
      "POST",
      `/registries/${registryId()}/tokens`,
      { body: { properties: { name: "someone-else", scopes: [] } } },
    );
    expect(other.status).to.equal(201);
    emulator.clearRequests();
    await pulumi(["destroy", "--yes"]);
    expect(writes()).to.deep.equal(["DELETE 204", "DELETE 204", "DELETE 204"]);
    expect(live().map((t) => t.properties.name)).to.deep.equal(["someone-else"]);
  });

  it("the package's emulator command starts, serves the API and stops cleanly", async () => {
    const child = spawn(
      path.join(project.projectDir, "node_modules/.bin/ionos-registry-emulator"),
      ["--token", API_TOKEN, "--quiet"],
      {
        cwd: project.projectDir,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
      const ready = JSON.parse(line) as { url: string; registries: Array<{ id: string; name: string }> };
      const answer = await new EmulatorApi(ready.url, bearerAuth(API_TOKEN)).request(
        "GET",
        `/registries/${ready.registries[0].id}/tokens`,
      );
      expect(answer.status).to.equal(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
  });

  it("prints no warning and no ExperimentalWarning on this Node version", () => {
    for (const run of printed) {
      expect(run).to.not.match(/ExperimentalWarning|DeprecationWarning|EBADENGINE/);
      expect(run).to.not.match(/^\s*warning:/m);
    }
  });
});
