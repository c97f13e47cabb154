/**
 * How `pending --delete` clears a stack's pending operations through the CLI: a stand-in `pulumi` on PATH
 * (a shell script) serves `stack export` from a file and records each `stack import`, so the test can change
 * the stack between the command's two reads, as another run would.
 */
import { expect } from "chai";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { clearPendingOperations, type StackExport } from "../../provider/cli/pending/stackState";

const FAKE_PULUMI = `#!/bin/sh
dir="$(dirname "$0")"
case "$1 $2" in
  "stack export") cat "$dir/current.json" ;;
  "stack import") cp "$4" "$dir/imported.json" ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`;

describe("clearing pending operations through the CLI (pending --delete)", () => {
  let dir: string;
  let savedPath: string | undefined;
  const resource = { urn: "urn:pulumi:dev::p::t::kept", type: "t", id: "r/1" };
  const exported: StackExport = {
    version: 3,
    deployment: {
      resources: [resource],
      pending_operations: [{ type: "creating", resource: { urn: "urn:pulumi:dev::p::t::lost", type: "t" } }],
    },
  } as unknown as StackExport;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fake-pulumi-"));
    writeFileSync(path.join(dir, "pulumi"), FAKE_PULUMI);
    chmodSync(path.join(dir, "pulumi"), 0o755);
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${savedPath ?? ""}`;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports the stack as read, without its pending operations, when nothing changed meanwhile", async () => {
    writeFileSync(path.join(dir, "current.json"), JSON.stringify(exported));
    await clearPendingOperations({ cwd: dir }, exported);
    const imported = JSON.parse(readFileSync(path.join(dir, "imported.json"), "utf8")) as StackExport;
    expect(imported.deployment.pending_operations).to.deep.equal([]);
    expect(imported.deployment.resources).to.deep.equal([resource]);
  });

  it("refuses, importing nothing, when another run changed the stack's resources meanwhile", async () => {
    const changed = { ...exported, deployment: { ...exported.deployment, resources: [] } };
    writeFileSync(path.join(dir, "current.json"), JSON.stringify(changed));
    const error = (await clearPendingOperations({ cwd: dir }, exported).catch((e) => e)) as Error;
    expect(error.message).to.equal(
      "the stack changed while this command ran (another run?): nothing was cleared. Run it again.",
    );
    expect(existsSync(path.join(dir, "imported.json"))).to.equal(false);
  });
});
