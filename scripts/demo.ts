/**
 * `npm start`: the whole lifecycle of the root program with the real Pulumi CLI against a local emulator —
 * preview, up (the password shows as [secret]), a pull with the stack's token from the emulated registry, a
 * change made out of band, refresh, up restoring the declared token, destroy. Nothing leaves this machine: the
 * state lives in a temp folder, the API is the emulator, the registry a Docker Distribution on loopback.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { buildOciImage, pull, push, requireRegistryTools, writeAuthFile } from "./registryClients";
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
  try {
    requireRegistryTools();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  const apiToken = `demo-${randomBytes(16).toString("hex")}`;
  const emulator = await startEmulator({
    credentials: { token: apiToken },
    registries: [{ name: "demo-registry" }],
    serveRegistry: true,
  });
  const sandbox = createProjectSandbox(`demo-${randomBytes(8).toString("hex")}`);
  const images = fs.mkdtempSync(path.join(os.tmpdir(), "demo-images-"));
  const show = { show: true };
  try {
    const { id: registryId, hostname } = emulator.registries[0];
    step(
      `Pulumi ${cli.version}; IONOS API emulator at ${emulator.url} with registry ${registryId}, served at ${hostname}`,
    );
    await sandbox.pulumi(["stack", "init", "demo"], show);
    await sandbox.pulumi(["config", "set", "registryId", registryId]);
    await sandbox.pulumi(["config", "set", "ionoscloud:endpoint", emulator.url]);
    await sandbox.pulumi(["config", "set", "--secret", "ionoscloud:token"], { input: apiToken });

    step("pulumi preview — shows a create, calls no API");
    await sandbox.pulumi(["preview"], show);
    step("pulumi up — creates the token; its password is a secret");
    await sandbox.pulumi(["up", "--yes"], show);
    await sandbox.pulumi(["stack", "output"], show);

    await pushAsCi(emulator, apiToken, registryId, hostname, images);
    step(
      `skopeo — pulls ${hostname}/app:1 with the stack's token (username and password from the stack outputs)`,
    );
    const username = (await sandbox.pulumi(["stack", "output", "username"])).stdout.trim();
    const password = (await sandbox.pulumi(["stack", "output", "password", "--show-secrets"])).stdout.trim();
    const authFile = writeAuthFile(path.join(images, "stack-token.json"), hostname, username, password);
    const pulled = await pull(`${hostname}/app:1`, path.join(images, "pulled"), authFile);
    process.stdout.write(pulled.stdout + pulled.stderr);
    if (pulled.code !== 0)
      throw new Error(`the pull with the stack's token failed (skopeo exit ${pulled.code})`);

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
    fs.rmSync(images, { recursive: true, force: true });
    await emulator.close();
  }
}

/**
 * What a CI job would have done before: push an image with a push token of its own, made through the API and
 * deleted after the push.
 */
async function pushAsCi(
  emulator: RunningEmulator,
  apiToken: string,
  registryId: string,
  hostname: string,
  dir: string,
): Promise<void> {
  const created = await fetch(`${emulator.url}/registries/${registryId}/tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      properties: {
        name: "demo-ci-push",
        scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
      },
    }),
  });
  if (!created.ok)
    throw new Error(`creating the CI token failed: HTTP ${created.status} ${await created.text()}`);
  const token = (await created.json()) as { id: string; properties: { credentials: { password: string } } };
  const image = buildOciImage(path.join(dir, "image"), "hello from npm start\n");
  step(`Meanwhile CI pushes ${hostname}/app:1 with a push token of its own`);
  const pushed = await push(
    image.layout,
    `${hostname}/app:1`,
    writeAuthFile(path.join(dir, "ci.json"), hostname, "demo-ci-push", token.properties.credentials.password),
  );
  if (pushed.code !== 0) throw new Error(`the CI push failed: ${pushed.stderr}`);
  // A CI job's token lives as long as the job: the image stays, the token goes.
  await fetch(`${emulator.url}/registries/${registryId}/tokens/${token.id}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${apiToken}` },
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
