import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bearerAuth, EmulatorApi } from "../support/emulatorClient";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import {
  buildOciImage,
  pull,
  pulledManifestDigest,
  push,
  requireRegistryTools,
  writeAuthFile,
  type OciImage,
} from "../../scripts/registryClients";
import { startUserStack, type UserStack } from "../support/userStack";

/** A pull token for `app` and its Docker config, as a user writes it; `generation` rotates it. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson, RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const token = new RegistryToken("app-pull", {
  registryId: config.require("registryId"),
  scopes: [{ name: "app", type: "repository", actions: ["pull"] }],
  rotationTriggers: { generation: config.get("generation") ?? "1" },
});

export const dockerConfig = dockerConfigJson({
  server: config.require("registryHost"),
  username: token.username,
  password: token.password,
});
`;

/**
 * The stack's `dockerConfigJson` output, read with the real CLI as a user does, is skopeo's `--authfile`
 * against the emulated registry: it pulls, a rotation hands out one that pulls while the old one no longer
 * does, and after destroy nothing pulls.
 */
describe("registry emulation: a stack's dockerConfigJson output pulls (packed tarball, real CLI)", function () {
  this.timeout(600_000);
  let stack: UserStack;
  let tmp: string;
  let image: OciImage;
  let host: string;

  before(async function () {
    requireRegistryTools();
    stack = await startUserStack("registry-pull", PROGRAM, {}, { serveRegistry: true });
    host = stack.emulator.registries[0]?.hostname as string;
    await stack.project.pulumi(["config", "set", "registryHost", host]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "registry-stack-"));
    image = buildOciImage(path.join(tmp, "image"), "pulled with the stack's token\n");
    // CI pushes with a token of its own, made through the API by another actor.
    const api = new EmulatorApi(stack.emulator.url, bearerAuth(stack.apiToken));
    const ci = await api.createToken(stack.registryId, {
      name: "ci-push",
      scopes: [{ name: "*", type: "repository", actions: ["pull", "push"] }],
    });
    const ciAuth = writeAuthFile(
      path.join(tmp, "ci.json"),
      host,
      "ci-push",
      ci.json.properties.credentials.password,
    );
    const pushed = await push(image.layout, `${host}/app:1`, ciAuth);
    expect(pushed.code, pushed.stderr).to.equal(0);
  });
  after(async () => {
    await stack?.close();
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** `pulumi stack output dockerConfig --show-secrets`, written where skopeo reads it. */
  async function dockerConfigFile(name: string): Promise<{ file: string; text: string }> {
    const shown = await stack.project.pulumi(["stack", "output", "dockerConfig", "--show-secrets"]);
    const file = path.join(tmp, name);
    fs.writeFileSync(file, shown.stdout.trim(), { mode: 0o600 });
    return { file, text: shown.stdout.trim() };
  }

  it("up, then the output pulls app; it is a secret in the output and the state", async () => {
    await stack.project.pulumi(["up", "--yes"]);
    const { file, text } = await dockerConfigFile("first.json");
    expect(Object.keys((JSON.parse(text) as { auths: object }).auths)).to.deep.equal([host]);
    const pulled = await pull(`${host}/app:1`, path.join(tmp, "pulled-first"), file);
    expect(pulled.code, pulled.stderr).to.equal(0);
    expect(pulledManifestDigest(path.join(tmp, "pulled-first"))).to.equal(image.manifestDigest);
    const plain = await stack.project.pulumi(["stack", "output", "dockerConfig"]);
    expect(plain.stdout.trim()).to.equal("[secret]");
    const leaks = new LeakScanner()
      .addSecret("the dockerConfigJson output", text)
      .addSecret(
        "its password",
        (JSON.parse(text) as { auths: Record<string, { password: string }> }).auths[host]!.password,
      )
      .addArtifact("stack export", (await stack.project.pulumi(["stack", "export"])).stdout)
      .scan();
    expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
  });

  it("a rotation: the new output pulls, the old one is refused; after destroy nothing pulls", async () => {
    const before = await dockerConfigFile("before-rotation.json");
    await stack.project.pulumi(["config", "set", "generation", "2"]);
    await stack.project.pulumi(["up", "--yes"]);
    const after = await dockerConfigFile("after-rotation.json");
    expect(after.text).to.not.equal(before.text);
    const old = await pull(`${host}/app:1`, path.join(tmp, "pulled-old"), before.file);
    expect(old.code).to.not.equal(0);
    expect(old.stderr).to.include("invalid username/password: unauthorized: no such token in this registry");
    const fresh = await pull(`${host}/app:1`, path.join(tmp, "pulled-new"), after.file);
    expect(fresh.code, fresh.stderr).to.equal(0);

    await stack.project.pulumi(["destroy", "--yes"]);
    const gone = await pull(`${host}/app:1`, path.join(tmp, "pulled-gone"), after.file);
    expect(gone.code).to.not.equal(0);
    expect(gone.stderr).to.include("invalid username/password: unauthorized: no such token in this registry");
  });
});
