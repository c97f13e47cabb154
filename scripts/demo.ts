/**
 * `npm start`: the whole lifecycle of the root program with the real Pulumi CLI against a local emulator —
 * preview, up (the password shows as [secret]), a change made out of band, refresh, up restoring the declared
 * token, destroy. Nothing leaves this machine: the state lives in a temp folder, the API is the emulator.
 */
import { randomBytes } from "crypto";
import { startEmulator } from "../emulator";
import { ensurePulumi, HOW_TO_GET_PULUMI } from "./pulumiCli";
import { createProjectSandbox } from "./projectSandbox";

function step(title: string): void {
  process.stdout.write(`\n\x1b[1m=== ${title}\x1b[0m\n`);
}

async function main(): Promise<number> {
  const cli = ensurePulumi();
  if ("missing" in cli) {
    process.stderr.write(`No Pulumi CLI: ${cli.missing}.\n${HOW_TO_GET_PULUMI}\n`);
    return 1;
  }
  const apiToken = `demo-${randomBytes(16).toString("hex")}`;
  const emulator = await startEmulator({
    credentials: { token: apiToken },
    registries: [{ name: "demo-registry" }],
  });
  const sandbox = createProjectSandbox(`demo-${randomBytes(8).toString("hex")}`);
  const show = { show: true };
  try {
    const registryId = emulator.registries[0].id;
    step(`Pulumi ${cli.version}; IONOS API emulator at ${emulator.url} with registry ${registryId}`);
    await sandbox.pulumi(["stack", "init", "demo"], show);
    await sandbox.pulumi(["config", "set", "registryId", registryId]);
    await sandbox.pulumi(["config", "set", "ionoscloud:endpoint", emulator.url]);
    await sandbox.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: apiToken });

    step("pulumi preview — shows a create, calls no API");
    await sandbox.pulumi(["preview"], show);
    step("pulumi up — creates the token; its password is a secret");
    await sandbox.pulumi(["up", "--yes"], show);
    await sandbox.pulumi(["stack", "output"], show);

    const [token] = emulator.admin.listTokens(registryId);
    emulator.admin.patchToken(registryId, token.id, { status: "disabled", scopes: [] });
    step(
      `Out of band: token ${token.properties.name} disabled and its scopes removed (as someone in the console might)`,
    );
    step("pulumi refresh — records the drift");
    await sandbox.pulumi(["refresh", "--yes"], show);
    step("pulumi up — restores the declared status and scopes with one PATCH, keeping the password");
    await sandbox.pulumi(["up", "--yes"], show);
    step("pulumi destroy — deletes the token");
    await sandbox.pulumi(["destroy", "--yes"], show);
    await sandbox.pulumi(["stack", "rm", "--yes", "demo"]);
    const left = emulator.admin.listTokens(registryId).length;
    step(`Done: ${emulator.requests().length} API requests served; ${left} token(s) left in the emulator.`);
    return left === 0 ? 0 : 1;
  } finally {
    sandbox.dispose();
    await emulator.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
