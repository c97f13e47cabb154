/**
 * A user project (see `userProject.ts`) with a stack `dev` pointed at an emulator of its own: the setup every
 * user-project suite starts from. The API token is random and goes into the stack config as a secret, as
 * the README tells a user to do.
 */
import { randomBytes } from "crypto";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { requirePulumi } from "./pulumiCli";
import { createUserProject, type UserProject } from "./userProject";
import { apiWrites } from "./apiWrites";

/** A running {@link startUserStack}. */
export interface UserStack {
  emulator: RunningEmulator;
  project: UserProject;
  /** The API token the emulator accepts (a secret in the stack config). */
  apiToken: string;
  /** The id of the emulator's one registry, also the stack config `registryId`. */
  registryId: string;
  /** The API writes served since the emulator's log was last cleared, as `METHOD status`. */
  writes(): string[];
  /** Removes the project and stops the emulator. */
  close(): Promise<void>;
}

/**
 * Starts an emulator with one registry, creates a user project named `name` whose `index.ts` is `program`,
 * and a stack `dev` configured with `registryId`, the emulator's endpoint, the API token and `config`.
 * `emulatorOptions` go to the emulator (e.g. `serveRegistry`).
 */
export async function startUserStack(
  name: string,
  program: string,
  config: Record<string, string> = {},
  emulatorOptions: EmulatorOptions = {},
): Promise<UserStack> {
  requirePulumi();
  const apiToken = `${name}-${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({
    ...emulatorOptions,
    credentials: { token: apiToken },
    registries: [{ name }],
  });
  let project: UserProject | undefined;
  try {
    project = await createUserProject(name, { name, files: { "index.ts": program } });
    const registryId = emulator.registries[0].id;
    await project.pulumi(["stack", "init", "dev"]);
    for (const [key, value] of Object.entries({ registryId, "ionoscloud:endpoint": emulator.url, ...config }))
      await project.pulumi(["config", "set", key, value]);
    await project.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: apiToken });
    const stack = project;
    return {
      emulator,
      project: stack,
      apiToken,
      registryId,
      writes: () => apiWrites(emulator),
      async close() {
        stack.dispose();
        await emulator.close();
      },
    };
  } catch (error) {
    project?.dispose();
    await emulator.close();
    throw error;
  }
}
