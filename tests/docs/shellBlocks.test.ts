/**
 * Every fenced shell block of the docs says whether the suite runs it: a `runs:` marker naming a recipe of
 * `shellRecipes.ts` (which `programs.e2e.test.ts` runs), or a `not-run:` marker saying why it cannot run here.
 * Every fence names its language, so that no block of commands escapes as plain text.
 */
import { expect } from "chai";
import { codeBlocks, docFiles, shellBlocks } from "./markdown";
import { SHELL_RECIPES } from "./shellRecipes";

describe("docs: every shell block is run by the suite or says why not", () => {
  const blocks = shellBlocks();

  it("finds the shell blocks (the emulator page's among them)", () => {
    expect(blocks.filter((b) => b.file === "docs/emulator.md")).to.have.length.greaterThan(1);
  });

  it("each has a runs: or not-run: marker above its fence", () => {
    const unmarked = blocks.filter((b) => b.marker === undefined).map((b) => `${b.file}:${b.line}`);
    expect(unmarked).to.deep.equal([]);
  });

  it("each runs: marker names a recipe, and each recipe runs exactly one block", () => {
    const ids = blocks.flatMap((b) => (b.marker && "runs" in b.marker ? [b.marker.runs] : []));
    expect([...ids].sort()).to.deep.equal(Object.keys(SHELL_RECIPES).sort());
  });

  it("every fenced block names its language", () => {
    const bare = docFiles()
      .flatMap(codeBlocks)
      .filter((b) => b.language === "")
      .map((b) => `${b.file}:${b.line}`);
    expect(bare).to.deep.equal([]);
  });
});
