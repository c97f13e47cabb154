/**
 * The package's command reads its endpoint and credentials from the environment only. When the API does not
 * answer, its error says so and names the endpoint it used: a user with `ionoscloud:endpoint` in a stack's
 * config would otherwise see only a network error for an endpoint they never chose.
 */
import { expect } from "chai";
import * as net from "net";
import * as path from "path";
import { runProcess } from "../support/runProcess";

const COMMAND = path.join(__dirname, "../../provider/cli/main.js");
const ID = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("ionos-registry-token: the environment is its only source of settings, and its errors say so", function () {
  this.timeout(60_000);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("IONOS_")));

  const run = (args: string[], env: Record<string, string>) =>
    runProcess(process.execPath, [COMMAND, ...args], { env: { ...base, ...env } });

  it("import-file: no answer from IONOS_API_URL fails naming it, and says the stack config is not read", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/containerregistries`;
    const failed = await run(["import-file", `${ID}/${ID}`], {
      IONOS_API_URL: endpoint,
      IONOS_TOKEN: "cli-environment-token",
    });
    expect(failed.status).to.equal(1);
    expect(failed.stderr).to.include(`no response from ${endpoint} (ECONNREFUSED)`);
    expect(failed.stderr).to.include(
      "This command reads the endpoint and credentials from the environment only (IONOS_API_URL; " +
        "IONOS_TOKEN, or IONOS_USERNAME and IONOS_PASSWORD), never from a stack's config such as " +
        `\`ionoscloud:endpoint\`: IONOS_API_URL is set to ${endpoint}.`,
    );
    expect(failed.stderr).to.not.include("cli-environment-token");
  });

  it("an error that is not about reaching the API carries no such sentence", async () => {
    const failed = await run(["import-file", "not-an-id"], { IONOS_TOKEN: "cli-environment-token" });
    expect(failed.status).to.equal(1);
    expect(failed.stderr).to.match(/is malformed/);
    expect(failed.stderr).to.not.include("environment only");
  });
});
