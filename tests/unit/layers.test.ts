/**
 * The provider's folders are its layers, and a folder's name says who may import it: `client/` (the API's
 * HTTP client) at the bottom, then `rules/` (pure, mode-neutral decisions), `lifecycle/` (the operations run
 * against the API, settings, the runtime both faces call), then the faces — `dynamic/` (the TypeScript package's
 * `RegistryToken` and its serialized glue) and `plugin/` (gRPC) — and `cli/` on top. Lower layers never import
 * upper ones, the faces never import each other, and the emulator and the provider share nothing.
 */
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";

/** The provider's layers, and `index` for the package entry `provider/index.ts`. */
const LAYERS = ["client", "rules", "lifecycle", "dynamic", "plugin", "cli", "index"] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import besides itself. */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  client: [],
  rules: ["client"],
  lifecycle: ["client", "rules"],
  dynamic: ["client", "rules", "lifecycle"],
  plugin: ["client", "rules", "lifecycle"],
  cli: ["client", "rules", "lifecycle", "dynamic"],
  index: ["client", "rules", "lifecycle", "dynamic"],
};

/** One import of one file: the file and the specifier, both as written. */
interface Edge {
  file: string;
  specifier: string;
}

/** Every module specifier in a TypeScript source: import/export … from, import(), require(), import "…". */
export function specifiersIn(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"']+)\1/g;
  for (const match of source.matchAll(pattern)) found.push(match[2] as string);
  return found;
}

/** The layer of a repository path, or the top folder's name for paths outside `provider/`. */
function layerOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] !== "provider") return parts[0] as string;
  return parts.length === 2 ? "index" : (parts[1] as string);
}

/** The imports among `edges` that break the layering, as `file → specifier (why)`. */
export function violations(edges: readonly Edge[]): string[] {
  const broken: string[] = [];
  for (const { file, specifier } of edges) {
    const from = layerOf(file);
    if (specifier.startsWith(".")) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      // The package's manifest is data, not a layer (`lifecycle/version.ts` reads the version from it).
      if (path.posix.basename(target) === "package.json") continue;
      const [fromTop, toTop] = [file.split("/")[0], target.split("/")[0]];
      if (fromTop !== toTop) {
        broken.push(`${file} → ${specifier} (${fromTop} may not import ${toTop})`);
        continue;
      }
      const to = layerOf(target);
      if (fromTop !== "provider" || to === from) continue;
      if (!MAY_IMPORT[from as Layer].includes(to as Layer)) {
        broken.push(`${file} → ${specifier} (${from} may not import ${to})`);
      }
    } else if (from === "client" && specifier.startsWith("@pulumi/")) {
      broken.push(`${file} → ${specifier} (the client knows nothing of Pulumi)`);
    }
  }
  return broken;
}

/** The TypeScript files below `dir` (repository-relative, with forward slashes). */
function sources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir)).flatMap((entry) => {
    const rel = `${dir}/${entry}`;
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) return sources(rel);
    return entry.endsWith(".ts") ? [rel] : [];
  });
}

describe("the provider's folders are its layers (tests/unit/layers.test.ts)", () => {
  const files = [...sources("provider"), ...sources("emulator")];
  const edges = files.flatMap((file) =>
    specifiersIn(readFileSync(path.join(REPO_ROOT, file), "utf8")).map((specifier) => ({ file, specifier })),
  );

  it("every file of provider/ sits in a known layer", () => {
    const unknown = sources("provider").filter(
      (file) => !(LAYERS as readonly string[]).includes(layerOf(file)),
    );
    expect(unknown).to.deep.equal([]);
  });

  it("no import goes up a layer, across the faces, or between the provider and the emulator", () => {
    expect(edges.length).to.be.greaterThan(100);
    expect(violations(edges)).to.deep.equal([]);
  });

  it("the check catches what it must (a rule importing the lifecycle, a face importing the other, the client importing Pulumi)", () => {
    expect(
      violations([
        { file: "provider/rules/diff.ts", specifier: "../lifecycle/runtime" },
        { file: "provider/plugin/server.ts", specifier: "../dynamic/glue" },
        { file: "provider/client/http.ts", specifier: "@pulumi/pulumi" },
        { file: "emulator/index.ts", specifier: "../provider/rules/types" },
        { file: "provider/dynamic/glue.ts", specifier: "../lifecycle/runtime" },
      ]),
    ).to.deep.equal([
      "provider/rules/diff.ts → ../lifecycle/runtime (rules may not import lifecycle)",
      "provider/plugin/server.ts → ../dynamic/glue (plugin may not import dynamic)",
      "provider/client/http.ts → @pulumi/pulumi (the client knows nothing of Pulumi)",
      "emulator/index.ts → ../provider/rules/types (emulator may not import provider)",
    ]);
    expect(
      specifiersIn(`import type { A } from "./a";\nconst b = require("../b");\nexport * from './c';`),
    ).to.deep.equal(["./a", "../b", "./c"]);
  });
});
