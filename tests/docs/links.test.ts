/**
 * Every relative link and `#anchor` in README.md, RELEASING.md and docs/ leads somewhere: the file exists, and
 * the anchor is one GitHub gives a heading of that file.
 */
import { expect } from "chai";
import { existsSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { anchorsOf, docFiles, linksIn, pathsNamedIn, slugOf } from "./markdown";

/** Files the docs name that a command writes (git-ignored), rather than the repository holding them. */
const WRITTEN_BY_COMMANDS = ["bench/results.json", "bench/profiles/big-stack/"];

describe("docs: every relative link and anchor resolves", () => {
  it("GitHub's anchors: lower case, punctuation and backticks dropped, spaces as hyphens", () => {
    expect(slugOf("Settings stored at the last `up`")).to.equal("settings-stored-at-the-last-up");
    expect(slugOf("Provider plugin: Pulumi YAML, Python and every other language")).to.equal(
      "provider-plugin-pulumi-yaml-python-and-every-other-language",
    );
    expect(slugOf("Commands (fresh clone)")).to.equal("commands-fresh-clone");
  });

  for (const file of docFiles()) {
    it(file, () => {
      const broken: string[] = [];
      const links = linksIn(file).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));
      for (const link of links) {
        const [target, anchor] = link.split("#") as [string, string | undefined];
        const targetFile =
          target === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
        if (!existsSync(path.join(REPO_ROOT, targetFile))) {
          broken.push(`${link}: no file ${targetFile}`);
          continue;
        }
        if (anchor !== undefined && targetFile.endsWith(".md") && !anchorsOf(targetFile).has(anchor)) {
          broken.push(`${link}: no heading #${anchor} in ${targetFile}`);
        }
      }
      expect(broken).to.deep.equal([]);
    });
  }

  for (const file of docFiles()) {
    it(`${file}: every repository path it names in code exists`, () => {
      const missing = pathsNamedIn(file).filter(
        (named) => !WRITTEN_BY_COMMANDS.includes(named) && !existsSync(path.join(REPO_ROOT, named)),
      );
      expect(missing).to.deep.equal([]);
    });
  }
});
