/**
 * The programs in README.md and docs/ work as printed:
 * - every complete TypeScript program (a `ts` block with an `import`) compiles with `tsc --noEmit` and the
 *   `pulumi new typescript` tsconfig, against the packed package, the Node.js SDK as a release builds it, and
 *   `@pulumi/pulumi` (plus `@pulumi/kubernetes` where a program uses it), in a project outside this repository;
 * - every YAML program (a `yaml` block with `resources:`) passes `pulumi preview` with Pulumi YAML's host and
 *   the plugin, against the emulator (a preview makes no API call);
 * - every shell block marked `<!-- runs: ID -->` runs as printed with its recipe (`shellRecipes.ts`), and does
 *   what the page says (`shellBlocks.test.ts` requires every other one to say why it cannot run here).
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createProjectSandbox, runCommand } from "../../scripts/projectSandbox";
import { releaseSchema } from "../../scripts/release";
import { nodejsPackage } from "../../scripts/release/sdkPackages";
import { PLUGIN_BIN_DIR, yamlLanguageHostDir } from "../support/generatedSdk";
import { requirePulumi } from "../support/pulumiCli";
import { createUserProject, TEMPLATE_TSCONFIG, type UserProject } from "../support/userProject";
import { codeBlocks, docFiles, shellBlocks, type CodeBlock } from "./markdown";
import { DocsWorkspace, SHELL_RECIPES } from "./shellRecipes";

/** The `@pulumi/kubernetes` this repository pins (package.json), for the image-pull-secret programs. */
const KUBERNETES = "@pulumi/kubernetes@4.34.2";

const where = (block: CodeBlock) => `${block.file}:${block.line}`;
const blocks = docFiles().flatMap(codeBlocks);
const programs = {
  ts: blocks.filter((b) => b.language === "ts" && /^import /m.test(b.code)),
  yaml: blocks.filter((b) => b.language === "yaml" && /^resources:/m.test(b.code)),
};

describe("docs: the TypeScript programs compile against the package and the SDK", function () {
  this.timeout(900_000);
  let project: UserProject;
  let work: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "ionos-docs-"));
    const schema = path.join(work, "schema.json");
    writeFileSync(schema, releaseSchema());
    const sdk = await nodejsPackage(schema, work, work);
    const files = Object.fromEntries(programs.ts.map((block, i) => [`doc${i}.ts`, block.code]));
    project = await createUserProject("docs", {
      name: "docs-programs",
      files: { "index.ts": "export {};\n", ...files },
    });
    await project.npm(["install", "--prefer-offline", sdk, KUBERNETES]);
    writeFileSync(
      path.join(project.projectDir, "tsconfig.json"),
      JSON.stringify({ ...TEMPLATE_TSCONFIG, files: Object.keys(files) }, null, 2),
    );
  });
  after(() => {
    project?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("finds the programs (README's and the overview's among them)", () => {
    expect(programs.ts.filter((b) => b.file === "README.md")).to.have.length(1);
    expect(programs.ts.filter((b) => b.file === "docs/_index.md")).to.have.length(2);
  });

  it("tsc --noEmit passes on every one (a failure names the file and line in the docs)", async () => {
    try {
      await project.npx(["tsc", "--noEmit", "--pretty", "false"]);
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ""}`;
      const located = output.replace(/doc(\d+)\.ts/g, (_m, i: string) =>
        where(programs.ts[Number(i)] as CodeBlock),
      );
      expect.fail(`a program in the docs does not compile:\n${located}`);
    }
  });
});

describe("docs: the YAML programs pass pulumi preview with the plugin", function () {
  this.timeout(900_000);
  const apiToken = `docs-${randomBytes(12).toString("hex")}`;
  let emulator: RunningEmulator;

  before(async () => {
    requirePulumi();
    emulator = await startEmulator({ credentials: { token: apiToken }, registries: [{ name: "docs" }] });
  });
  after(async () => emulator?.close());

  it("finds the programs (README's and the overview's among them)", () => {
    expect(programs.yaml.filter((b) => b.file === "README.md")).to.have.length(1);
    expect(programs.yaml.filter((b) => b.file === "docs/_index.md")).to.have.length(1);
  });

  for (const [i, block] of programs.yaml.entries()) {
    it(`${where(block)} previews`, async () => {
      const sandbox = createProjectSandbox("docs-yaml", { files: [], links: [] });
      try {
        const program = parse(block.code) as Record<string, unknown>;
        const config = (program.config ?? {}) as Record<string, { type?: string }>;
        const project = {
          ...program,
          name: `docs-yaml-${i}`,
          runtime: "yaml",
          plugins: {
            languages: [{ name: "yaml", path: yamlLanguageHostDir() }],
            providers: [{ name: "ionos-registry-token", path: PLUGIN_BIN_DIR }],
          },
        };
        writeFileSync(path.join(sandbox.projectDir, "Pulumi.yaml"), stringify(project));
        await sandbox.pulumi(["stack", "init", "dev"]);
        for (const key of Object.keys(config)) {
          const value = key === "registryId" ? emulator.registries[0].id : "docs";
          await sandbox.pulumi(["config", "set", key, value]);
        }
        emulator.clearRequests();
        const env = { IONOS_TOKEN: apiToken, IONOS_API_URL: emulator.url };
        const { stdout } = await runCommand("pulumi", ["preview", "--non-interactive", "--color", "never"], {
          cwd: sandbox.projectDir,
          env: { ...sandbox.env, ...env },
        });
        expect(stdout).to.match(/\+ +ionos-registry-token:index:RegistryToken/);
        expect(emulator.requests()).to.deep.equal([]);
      } finally {
        sandbox.dispose();
      }
    });
  }
});

describe("docs: the shell blocks run as printed", function () {
  this.timeout(900_000);
  let workspace: DocsWorkspace;
  // The release block first: the blocks that install what a release wrote use its release/.
  const runnable = shellBlocks()
    .flatMap((block) => (block.marker && "runs" in block.marker ? [{ block, id: block.marker.runs }] : []))
    .sort((a, b) => Number(b.id === "release") - Number(a.id === "release"));

  before(() => {
    requirePulumi();
    workspace = new DocsWorkspace();
  });
  after(async () => workspace?.dispose());

  for (const { block, id } of runnable) {
    it(`${where(block)} (${id})`, async () => {
      const recipe = SHELL_RECIPES[id];
      if (recipe === undefined) throw new Error(`no recipe ${id} in tests/docs/shellRecipes.ts`);
      await recipe(block, workspace);
    });
  }
});
