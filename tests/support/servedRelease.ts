/**
 * What the tests that install from a release share: a release built into a temp folder and served on loopback as
 * its own `pluginDownloadURL` (only this machine's plugin executable: linux-amd64), and a PATH for a machine
 * without Node.js.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { release } from "../../scripts/release";
import { startFileServer, type FileServer } from "./fileServer";

/** A release in `dir`, served by `server` at the URL its SDKs name. */
export interface ServedRelease {
  dir: string;
  server: FileServer;
  close(): Promise<void>;
}

/** Builds a release whose pluginDownloadURL is a loopback server that serves it. */
export async function servedRelease(): Promise<ServedRelease> {
  const dir = mkdtempSync(path.join(tmpdir(), "ionos-release-"));
  const server = await startFileServer(() => dir);
  try {
    // This machine's engine asks for linux-amd64 only; the other executables are the artifacts test's.
    await release({
      pluginDownloadUrl: server.url,
      outDir: dir,
      targets: [{ os: "linux", arch: "amd64" }],
      log: () => undefined,
    });
  } catch (error) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A folder (made in `parent`) holding only a link to the `pulumi` on this PATH: a PATH for a machine without Node.js. */
export function pathWithoutNode(parent: string): string {
  const dir = path.join(parent, "bin-without-node");
  mkdirSync(dir);
  const pulumi = execFileSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).trim();
  symlinkSync(realpathSync(pulumi), path.join(dir, "pulumi"));
  // What the tests rely on, checked rather than assumed: nothing named node on that PATH.
  expect(spawnSync("/bin/sh", ["-c", "command -v node"], { env: { PATH: dir } }).status).to.not.equal(0);
  return dir;
}

/**
 * The end of a Python Automation API driver that has made `stack`: runs `up` or `destroy` (argv[1]) with the
 * engine's output on stderr, then prints the stack outputs as one JSON line (value and secretness).
 */
export const RUN_STEP_PRINT_OUTPUTS = `log = lambda line: print(line, file=sys.stderr)
if sys.argv[1] == "up":
    stack.up(on_output=log)
else:
    stack.destroy(on_output=log)
print(json.dumps({k: {"value": v.value, "secret": v.secret} for k, v in stack.outputs().items()}))
`;
