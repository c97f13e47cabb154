import { expect } from "chai";
import { execFileSync } from "child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { packedTarball } from "../support/userProject";

/** The TypeScript sources below `dir` (relative to the repository), as paths without `.ts`. */
function sourcesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(REPO_ROOT, dir))) {
    const rel = path.join(dir, entry);
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) found.push(...sourcesIn(rel));
    else if (entry.endsWith(".ts")) found.push(rel.slice(0, -3));
  }
  return found;
}

describe("npm pack: what a user installs", function () {
  this.timeout(180_000);
  let files: string[];
  let tarball: string;
  const read = (file: string) =>
    execFileSync("tar", ["-xOzf", tarball, `package/${file}`], { encoding: "utf8" });

  before(() => {
    tarball = packedTarball();
    files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""))
      .sort();
    const size = statSync(tarball).size;
    console.log(`      ${path.basename(tarball)}: ${files.length} files, ${size} bytes packed`);
  });

  it("holds the compiled provider and emulator with their type declarations, and nothing else", () => {
    const expected = [
      "README.md",
      "bin/pulumi-resource-ionos-registry-token",
      "package.json",
      ...[...sourcesIn("provider"), ...sourcesIn("emulator")].flatMap((s) => [
        `dist/${s}.js`,
        `dist/${s}.d.ts`,
      ]),
    ].sort();
    expect(files).to.deep.equal(expected);
    expect(files).to.include.members([
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/lifecycle/runtime.js",
    ]);
  });

  it("never ships a compiled module whose source is gone (a checkout built before a move): prepack prunes it", () => {
    const stale = path.join(REPO_ROOT, "dist", "provider", "zz-moved-away.js");
    mkdirSync(path.dirname(stale), { recursive: true });
    writeFileSync(stale, "module.exports = {};\n");
    const [report] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--silent"], { cwd: REPO_ROOT, encoding: "utf8" }),
    ) as Array<{ files: Array<{ path: string }> }>;
    expect(report?.files.map((f) => f.path)).to.not.include("dist/provider/zz-moved-away.js");
    expect(existsSync(stale)).to.equal(false);
  });

  it("ships no source-map reference to sources it does not ship", () => {
    for (const file of files.filter((f) => f.endsWith(".js")))
      expect(read(file), file).to.not.include("sourceMappingURL");
  });

  it("declares @pulumi/pulumi as a peer (one SDK copy), Node >= 22, and an emulator command that starts", () => {
    const manifest = JSON.parse(read("package.json")) as {
      main: string;
      types: string;
      engines: Record<string, string>;
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      bin: Record<string, string>;
    };
    expect(manifest.peerDependencies).to.deep.equal({ "@pulumi/pulumi": "^3.270.0" });
    expect(manifest.dependencies).to.not.have.property("@pulumi/pulumi");
    expect(manifest.engines.node).to.equal(">=22");
    expect(files).to.include.members([manifest.main, manifest.types]);
    const emulatorBin = manifest.bin["ionos-registry-emulator"];
    expect(files).to.include(emulatorBin);
    expect(read(emulatorBin).startsWith("#!/usr/bin/env node\n")).to.equal(true);
    for (const command of ["ionos-registry-token", "pulumi-resource-ionos-registry-token"]) {
      expect(files, command).to.include(manifest.bin[command]);
      expect(read(manifest.bin[command]).startsWith("#!/usr/bin/env node\n"), command).to.equal(true);
    }
  });

  it("is what the examples name: each depends on this tarball's file name, never on the registry", () => {
    for (const example of readdirSync(path.join(REPO_ROOT, "examples"))) {
      const dir = path.join(REPO_ROOT, "examples", example);
      if (!statSync(dir).isDirectory()) continue;
      const manifest = JSON.parse(read("package.json")) as { name: string };
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      expect(pkg.dependencies[manifest.name], example).to.equal(`file:./${path.basename(tarball)}`);
    }
  });
});
