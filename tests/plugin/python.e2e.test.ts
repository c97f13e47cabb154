import { expect } from "chai";
import { writeFileSync } from "fs";
import * as path from "path";
import { PYTHON_SDK_PACKAGE } from "../../provider/plugin/schema";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { generateSdk, pipInstallSdk, pythonVenv } from "../support/generatedSdk";
import { describeAutomationSuite } from "./automationSuite";

/** The Pulumi Python SDK in the cached venv (pinned by scripts/ensure-python.sh). */
const PULUMI_PY_VERSION = "3.272.0";

/**
 * The Python side: an Automation API driver with an inline program that uses the SDK generated from the schema,
 * run by the venv's python (the protocol: {@link describeAutomationSuite}). It reports the installed distributions'
 * versions.
 */
const DRIVER = `
import importlib.metadata as metadata
import json
import os
import sys

import pulumi
from pulumi import automation as auto
import ${PYTHON_SDK_PACKAGE} as ionos


def program():
    config = pulumi.Config()
    token = ionos.RegistryToken(
        "pull",
        registry_id=config.require("registryId"),
        status=ionos.TokenStatus.ENABLED,
        scopes=[ionos.ScopeArgs(name="*", type=ionos.ScopeType.REPOSITORY, actions=[ionos.ScopeAction.PULL])],
    )
    # The generated function, served by the plugin as an invoke: it must find the token just made.
    found = ionos.get_registry_tokens_output(registry_id=token.registry_id, name_prefix=token.name)
    pulumi.export("name", token.name)
    pulumi.export("tokenId", token.token_id)
    pulumi.export("status", token.status)
    pulumi.export("password", token.password)
    pulumi.export("found", found.tokens.apply(lambda tokens: [t.token_id for t in tokens]))


def log(line):
    print(line, file=sys.stderr)


def main(step):
    settings = json.loads(os.environ["SDK_E2E_SETTINGS"])
    stack = auto.create_or_select_stack(
        stack_name="dev",
        project_name="py-tokens",
        program=program,
        # No project_settings: the Automation API then reads the project's Pulumi.yaml in work_dir, which can
        # name the plugin's folder (Python's ProjectSettings has no \`plugins\`).
        opts=auto.LocalWorkspaceOptions(work_dir=settings["workDir"], secrets_provider="passphrase"),
    )
    # Not the API token: set_config would pass it to \`pulumi config set\` on the command line.
    for key, value in settings["config"].items():
        stack.set_config(key, auto.ConfigValue(value))
    if step == "up":
        result = stack.up(on_output=log)
        summary = result.summary.resource_changes
    elif step == "refresh":
        result = stack.refresh(on_output=log)
        summary = result.summary.resource_changes
    elif step == "preview":
        result = stack.preview(on_output=log)
        summary = result.change_summary
    elif step == "destroy":
        result = stack.destroy(on_output=log)
        summary = result.summary.resource_changes
    else:
        raise SystemExit("unknown step " + step)
    outputs = {k: {"value": v.value, "secret": v.secret} for k, v in stack.outputs().items()}
    versions = {name: metadata.version(name) for name in ("pulumi", "${PYTHON_SDK_PACKAGE}")}
    print(json.dumps({"summary": summary, "outputs": outputs, "versions": versions}))


main(sys.argv[1])
`;

describeAutomationSuite({
  title: "plugin mode: a Python program (Automation API) uses the Python SDK generated from the schema",
  name: "python",
  registry: "python",
  project: { name: "py-tokens", runtime: "python" },
  ranWith: `pulumi ${PULUMI_PY_VERSION} and ${PYTHON_SDK_PACKAGE} ${PACKAGE_VERSION} installed`,
  async prepare({ dir, schema }) {
    const venv = pythonVenv();
    const sdk = await generateSdk({ schema, language: "python", out: path.join(dir, "sdk") });
    const sitePackages = path.join(dir, "site-packages");
    await pipInstallSdk(venv, sdk, sitePackages);
    writeFileSync(path.join(dir, "driver.py"), DRIVER);
    return {
      command: path.join(venv, "bin", "python"),
      args: [path.join(dir, "driver.py")],
      env: { PYTHONPATH: sitePackages },
      expectVersions(versions) {
        // The SDK reports the schema's version, so the engine asks for the plugin of that version (the package's own).
        expect(versions).to.deep.equal({ pulumi: PULUMI_PY_VERSION, [PYTHON_SDK_PACKAGE]: PACKAGE_VERSION });
      },
    };
  },
});
