/**
 * The state contract (`provider/dynamic/stateContract.ts`): every module specifier a recorded stack's serialized
 * provider loads is an explicit entry of the installed package's `exports`, and the functions those modules
 * are called for keep their signatures. The replay of the recorded stacks is `tests/upgrade`; this suite says
 * which entry went missing, in seconds.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { RUNTIME_ENTRY } from "../../provider/dynamic/stateContract";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { registerToken } from "../support/serializedProvider";
import { packedTarball } from "../support/userProject";
import { FILES, listBaselines } from "../upgrade/baseline";

const PACKAGE = "ionos-registry-token";

/** Every `require("ionos-registry-token/…")` specifier in a text (a serialized provider). */
function packageRequires(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/require\("((?:ionos-registry-token)(?:\/[^"]*)?)"\)/g))
    found.add(match[1]);
  return [...found].sort();
}

/** The serialized providers in an exported deployment (every `__provider` input or output). */
function serializedProviders(exported: string): string[] {
  const deployment = (JSON.parse(exported) as { deployment: { resources?: Array<Record<string, unknown>> } })
    .deployment;
  const texts: string[] = [];
  for (const resource of deployment.resources ?? [])
    for (const side of ["inputs", "outputs"] as const) {
      const value = (resource[side] as Record<string, unknown> | undefined)?.__provider;
      if (typeof value === "string") texts.push(value);
    }
  return texts;
}

describe("the state contract: what recorded stacks load from the installed package", function () {
  this.timeout(180_000);
  let installed: string;
  let exportsMap: Record<string, unknown>;
  const recorded = listBaselines().filter((b) => b.manifest.mode === "dynamic");
  /** Resolves a specifier as the provider host in a user's project does. */
  const resolveInstalled = (specifier: string) => require.resolve(specifier, { paths: [installed] });

  before(() => {
    // The packed tarball unpacked as npm installs it: <project>/node_modules/ionos-registry-token.
    installed = mkdtempSync(path.join(tmpdir(), "ionos-contract-"));
    const dir = path.join(installed, "node_modules", PACKAGE);
    mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["-xzf", packedTarball(), "-C", dir, "--strip-components=1"]);
    // Its dependency and its peer, as npm would put them beside it (links to this repository's copies).
    for (const dependency of ["node-fetch", "@pulumi"])
      symlinkSync(
        path.join(REPO_ROOT, "node_modules", dependency),
        path.join(installed, "node_modules", dependency),
      );
    exportsMap = (
      JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        exports: Record<string, unknown>;
      }
    ).exports;
  });
  after(() => rmSync(installed, { recursive: true, force: true }));

  it("there are recorded dynamic-mode stacks to check", () => {
    expect(recorded.map((b) => b.manifest.version)).to.include("0.1.0");
  });

  for (const { dir, manifest } of recorded) {
    it(`every module ${manifest.version}'s serialized provider loads is an explicit entry of exports`, () => {
      const providers = serializedProviders(readFileSync(path.join(dir, FILES.stack), "utf8"));
      expect(providers, "serialized providers in the recorded state").to.not.be.empty;
      const specifiers = [...new Set(providers.flatMap(packageRequires))];
      expect(specifiers, "package modules the recorded glue requires").to.not.be.empty;
      for (const specifier of specifiers) {
        const subpath = `.${specifier.slice(PACKAGE.length)}`;
        expect(exportsMap, `exports entry for ${specifier}`).to.have.property(subpath);
        expect(() => resolveInstalled(specifier), specifier).to.not.throw();
      }
    });
  }

  it("0.1.0's glue: the lifecycle entry still names, in RUNTIME_MODULE, an entry that resolves", () => {
    // 0.1.0 serialized `require("…/dist/provider/lifecycle.js")` and then `require(thatModule.RUNTIME_MODULE)`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const legacy = require(resolveInstalled(`${PACKAGE}/dist/provider/lifecycle.js`)) as {
      RUNTIME_MODULE: string;
    };
    expect(legacy.RUNTIME_MODULE).to.be.a("string");
    expect(exportsMap).to.have.property(`.${legacy.RUNTIME_MODULE.slice(PACKAGE.length)}`);
    expect(resolveInstalled(legacy.RUNTIME_MODULE)).to.equal(resolveInstalled(RUNTIME_ENTRY));
  });

  it("this version's glue loads nothing of the package but the documented runtime entry", async () => {
    const { provider } = await registerToken("contract", {
      registryId: "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17",
    });
    expect(packageRequires(provider)).to.deep.equal([RUNTIME_ENTRY]);
    expect(exportsMap).to.have.property(`.${RUNTIME_ENTRY.slice(PACKAGE.length)}`);
  });

  it("the installed runtime entry has every function recorded glue calls (their types: stateContract.ts)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtime = require(resolveInstalled(RUNTIME_ENTRY)) as Record<string, unknown>;
    for (const name of ["configure", "check", "diff", "create", "read", "update", "delete"])
      expect(runtime[name], name).to.be.a("function");
  });
});
