/**
 * A user's project in either mode, laid out as a user lays it out: a TypeScript project with this package's
 * tarball installed (dynamic provider), or a Pulumi YAML project naming the plugin executable (plugin). The
 * upgrade replay, the drift suite and the two modes' differential suite all start from here.
 */
import { writeFileSync } from "fs";
import * as path from "path";
import { createProjectSandbox, type ProjectSandbox } from "../../scripts/projectSandbox";
import { PLUGIN_BIN_DIR, yamlLanguageHostDir } from "./generatedSdk";
import { createUserProject, packedTarball, type UserProject } from "./userProject";

/** The two ways a program uses `RegistryToken`. */
export type Mode = "dynamic" | "plugin";

/** Both modes, dynamic first. */
export const MODES: readonly Mode[] = ["dynamic", "plugin"];

/** The file a user edits: `index.ts`, or `Main.yaml` beside the `Pulumi.yaml` that names the plugins. */
export const PROGRAM_FILE: Record<Mode, string> = { dynamic: "index.ts", plugin: "Main.yaml" };

/** The config namespace of the provider settings (`<namespace>:endpoint`, `<namespace>:token`) per mode. */
export const SETTINGS_NAMESPACE: Record<Mode, string> = {
  dynamic: "ionoscloud",
  plugin: "ionos-registry-token",
};

/** Where a plugin-mode project finds its two plugins. */
export interface PluginPaths {
  /** The folder holding `pulumi-resource-ionos-registry-token`. */
  providerDir: string;
  /** The folder holding Pulumi YAML's language host. */
  yamlHostDir: string;
  /** More provider plugins the program uses, by package name and folder (the bench's floor plugin). */
  otherProviders?: Array<{ name: string; dir: string }>;
}

/**
 * The `Pulumi.yaml` of a plugin-mode project: the project, and where this machine has the plugins. The program
 * itself is `Main.yaml` beside it; Pulumi YAML reads it from there.
 */
export function pluginProjectFile(project: string, paths: PluginPaths): string {
  return [
    `name: ${project}`,
    "runtime: yaml",
    "plugins:",
    "  languages:",
    "    - name: yaml",
    `      path: ${paths.yamlHostDir}`,
    "  providers:",
    "    - name: ionos-registry-token",
    `      path: ${paths.providerDir}`,
    ...(paths.otherProviders ?? []).flatMap((p) => [`    - name: ${p.name}`, `      path: ${p.dir}`]),
    "",
  ].join("\n");
}

/** How to lay out a project. */
export interface ModeProjectSource {
  mode: Mode;
  project: string;
  passphrase: string;
  /** The program text (`index.ts` or `Main.yaml`). */
  program: string;
  /** Dynamic mode: the package tarball to install. @default this checkout's */
  tarball?: string;
  /** Plugin mode: where the plugins are. @default this checkout's plugin and the cached YAML host */
  plugins?: PluginPaths;
}

/** A project: the CLI in its folder, and npm's `npx` there in dynamic mode. */
export type ModeProject = ProjectSandbox & { npx?: UserProject["npx"] };

/** Lays out the project of `source.mode`, with the package under test unless another is named. */
export async function createModeProject(source: ModeProjectSource): Promise<ModeProject> {
  if (source.mode === "dynamic") {
    return createUserProject(source.passphrase, {
      name: source.project,
      tarball: source.tarball ?? packedTarball(),
      files: { [PROGRAM_FILE.dynamic]: source.program },
    });
  }
  const plugins = source.plugins ?? { providerDir: PLUGIN_BIN_DIR, yamlHostDir: yamlLanguageHostDir() };
  const sandbox = createProjectSandbox(source.passphrase, { files: [], links: [] });
  writeFileSync(path.join(sandbox.projectDir, "Pulumi.yaml"), pluginProjectFile(source.project, plugins));
  writeFileSync(path.join(sandbox.projectDir, PROGRAM_FILE.plugin), source.program);
  return sandbox;
}

/** Writes the program of a project's mode. */
export function writeProgram(project: ModeProject, mode: Mode, program: string): void {
  writeFileSync(path.join(project.projectDir, PROGRAM_FILE[mode]), program);
}

/**
 * `pulumi stack init dev` and the provider settings of `mode`: the endpoint, and the API token as a secret (on
 * stdin, never on a command line); then any more config values.
 */
export async function initStack(
  project: ModeProject,
  mode: Mode,
  settings: { endpoint: string; apiToken: string },
  config: Record<string, string> = {},
): Promise<void> {
  await project.pulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
  await project.pulumi(["config", "set", `${SETTINGS_NAMESPACE[mode]}:endpoint`, settings.endpoint]);
  await project.pulumi(["config", "set", "--secret", `${SETTINGS_NAMESPACE[mode]}:token`], {
    input: settings.apiToken,
  });
  for (const [key, value] of Object.entries(config)) await project.pulumi(["config", "set", key, value]);
}
