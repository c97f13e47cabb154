import { expect } from "chai";
import { execFileSync } from "child_process";
import { readFileSync, statSync } from "fs";
import { figureIn, parsePackageSize, README, type PackageSize } from "../../scripts/readmeFigures";
import { packedTarball } from "../support/userProject";

/** How far a stated figure may be from the measured one before the README must be regenerated. */
const TOLERANCE = 0.1;

/** The sizes of the tarball `npm pack` made, measured as npm does: the file, and the files in it. */
function sizeOf(tarball: string): PackageSize {
  const listing = execFileSync("tar", ["-tvzf", tarball], { encoding: "utf8" }).trim().split("\n");
  const unpackedBytes = listing
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns[0]?.startsWith("-"))
    .reduce((sum, columns) => sum + Number(columns[2]), 0);
  return { packedBytes: statSync(tarball).size, unpackedBytes };
}

describe("README figures are measured: the package size", function () {
  this.timeout(180_000);

  it("states the size npm pack gives, within 10 % (else run `npm run readme:figures`)", () => {
    const stated = parsePackageSize(figureIn(readFileSync(README, "utf8"), "package-size") ?? "");
    expect(
      stated,
      "README.md has a package-size figure in the form `N kB packed, M kB unpacked`",
    ).to.not.equal(undefined);
    const measured = sizeOf(packedTarball());
    for (const key of ["packedBytes", "unpackedBytes"] as const) {
      const off = Math.abs((stated as PackageSize)[key] - measured[key]) / measured[key];
      expect(
        off,
        `${key}: README says ${stated?.[key]}, npm pack gives ${measured[key]}; run npm run readme:figures`,
      ).to.be.at.most(TOLERANCE);
    }
  });
});
