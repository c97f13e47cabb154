/**
 * The plain Python project of docs/installation-configuration.md ("Python"), as a user makes it from the page:
 * its `Pulumi.yaml`, `requirements.txt` and `__main__.py` written as the page shows them, beside the release's
 * wheel; `requirements.txt` installed with pip; then `__main__.py` run against the emulator, the engine
 * downloading the plugin from the release's `pluginDownloadURL`, with no node on PATH.
 *
 * One step differs from a user's, and says so: the CLI's Python language host (`pulumi-language-python`) is not
 * part of the CLI built on these machines, so the program runs through the Automation API, which executes the
 * same `__main__.py` (`runpy`) as an inline program in the folder holding that `Pulumi.yaml`.
 */
import { expect } from "chai";
import { copyFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { createProjectSandbox, runCommand, type ProjectSandbox } from "../../scripts/projectSandbox";
import { apiWrites } from "../support/apiWrites";
import { pipInstall, pythonVenv } from "../support/generatedSdk";
import { requirePulumi } from "../support/pulumiCli";
import {
  pathWithoutNode,
  RUN_STEP_PRINT_OUTPUTS,
  servedRelease,
  type ServedRelease,
} from "../support/servedRelease";
import { codeBlocks } from "./markdown";

const PAGE = "docs/installation-configuration.md";
/** The registry id the page's program names; the emulator serves a registry with exactly that id. */
const PAGE_REGISTRY_ID = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
/** The Pulumi SDK the shared venv holds (scripts/ensure-python.sh): pip takes it from there, not from PyPI. */
const VENV_PULUMI = "3.272.0";

/** The three files of the page's plain Python project, by the names the page gives them. */
function pageProjectFiles(): Record<string, string> {
  const blocks = codeBlocks(PAGE);
  const section = blocks.filter(
    (b) => b.line > blocks.find((x) => x.code.includes("virtualenv: venv"))!.line - 2,
  );
  const pulumiYaml = section.find((b) => b.language === "yaml" && b.code.includes("runtime:"));
  const requirements = section.find((b) => b.language === "text" && b.code.includes(".whl"));
  const main = section.find((b) => b.language === "python" && b.code.includes("RegistryToken("));
  expect(pulumiYaml && requirements && main, "the page shows Pulumi.yaml, requirements.txt and __main__.py")
    .to.be.ok;
  return {
    "Pulumi.yaml": `${pulumiYaml!.code}\n`,
    "requirements.txt": `${requirements!.code}\n`,
    "__main__.py": `${main!.code}\n`,
  };
}

/** The Automation API driver: runs the folder's `__main__.py` as the inline program of its own project. */
const DRIVER = `
import json, os, runpy, sys
from pulumi import automation as auto

work = os.environ["WORK_DIR"]
stack = auto.create_or_select_stack(
    stack_name="dev",
    project_name="python-pull-token",
    program=lambda: runpy.run_path(os.path.join(work, "__main__.py"), run_name="__main__"),
    opts=auto.LocalWorkspaceOptions(work_dir=work, secrets_provider="passphrase"),
)
${RUN_STEP_PRINT_OUTPUTS}`;

describe("docs: the plain Python project, as the page shows it (wheel from the release, emulator, real CLI)", function () {
  this.timeout(900_000);
  let served: ServedRelease | undefined;
  let emulator: RunningEmulator;
  let sandbox: ProjectSandbox;
  let env: Record<string, string>;
  const work = () => sandbox.projectDir;

  before(async () => {
    requirePulumi();
    served = await servedRelease();
    emulator = await startEmulator({
      credentials: { token: "python-docs-token" },
      registries: [{ name: "python-docs", id: PAGE_REGISTRY_ID }],
    });
    sandbox = createProjectSandbox("python-docs", { files: [], links: [] });
    for (const [name, text] of Object.entries(pageProjectFiles()))
      writeFileSync(path.join(work(), name), text);
    const wheel = `pulumi_ionos_registry_token-${PACKAGE_VERSION}-py3-none-any.whl`;
    copyFileSync(path.join(served.dir, wheel), path.join(work(), wheel));
    env = {
      ...sandbox.env,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
      IONOS_API_URL: emulator.url,
      IONOS_TOKEN: "python-docs-token",
      PYTHONPATH: path.join(work(), "site-packages"),
      WORK_DIR: work(),
      PATH: pathWithoutNode(path.dirname(work())),
    };
  });
  after(async () => {
    sandbox?.dispose();
    await emulator?.close();
    await served?.close();
  });

  it("Pulumi.yaml names a Python project with a virtualenv", () => {
    const project = parseYaml(pageProjectFiles()["Pulumi.yaml"]!) as { name: string; runtime: unknown };
    expect(project).to.deep.equal({
      name: "python-pull-token",
      runtime: { name: "python", options: { virtualenv: "venv" } },
    });
  });

  it("pip installs requirements.txt as written (the wheel beside it)", async () => {
    const constraints = path.join(path.dirname(work()), "constraints.txt");
    writeFileSync(constraints, `pulumi==${VENV_PULUMI}\n`);
    await pipInstall(
      pythonVenv(),
      path.join(work(), "site-packages"),
      ["-c", constraints, "-r", "requirements.txt"],
      {
        cwd: work(),
        env: sandbox.env,
      },
    );
    expect(readdirSync(path.join(work(), "site-packages"))).to.include.members([
      "pulumi_ionos_registry_token",
      "pulumi",
    ]);
  });

  it("__main__.py: up creates the token in the page's registry (password a secret); destroy deletes it", async () => {
    const driver = path.join(path.dirname(work()), "driver.py");
    writeFileSync(driver, DRIVER);
    const python = path.join(pythonVenv(), "bin", "python");
    emulator.clearRequests();
    const up = await runCommand(python, [driver, "up"], { cwd: work(), env });
    const outputs = JSON.parse(up.stdout.trim().split("\n").pop() as string) as Record<
      string,
      { value: unknown; secret: boolean }
    >;
    expect(
      served!.server.requests().filter((r) => r.includes("pulumi-resource-")),
    ).to.have.length.greaterThan(0);
    expect(apiWrites(emulator)).to.deep.equal(["POST 201"]);
    const [token] = emulator.admin.listTokens(PAGE_REGISTRY_ID);
    expect(outputs.username).to.deep.equal({ value: token!.properties.credentials.username, secret: false });
    expect(outputs.password?.secret).to.equal(true);
    emulator.clearRequests();
    await runCommand(python, [driver, "destroy"], { cwd: work(), env });
    expect(apiWrites(emulator)).to.deep.equal(["DELETE 204"]);
    expect(emulator.admin.listTokens(PAGE_REGISTRY_ID)).to.deep.equal([]);
  });
});
