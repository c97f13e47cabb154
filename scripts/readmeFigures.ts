/**
 * Figures the README states that a measurement of this checkout gives, kept between markers
 * (`<!-- figure:NAME -->…<!-- /figure:NAME -->`) and rewritten by `npm run readme:figures`. A test measures them
 * again and fails when the README is off, so no figure is typed by hand and left to go stale.
 *
 * Today: the size of the package `npm pack` makes.
 */
import { execFileSync } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "./pulumiCli";

/** What `npm pack` reports about the package: bytes of the tarball and of the files in it. */
export interface PackageSize {
  packedBytes: number;
  unpackedBytes: number;
}

/** The README sentence fragment for a package size, in kB (1000 bytes, as npm prints them). */
export function formatPackageSize(size: PackageSize): string {
  const kB = (bytes: number) => `${Math.round(bytes / 1000)} kB`;
  return `${kB(size.packedBytes)} packed, ${kB(size.unpackedBytes)} unpacked`;
}

/** The figures {@link formatPackageSize} wrote, read back. */
export function parsePackageSize(text: string): PackageSize | undefined {
  const match = /^(\d+) kB packed, (\d+) kB unpacked$/.exec(text.trim());
  if (match === null) return undefined;
  return { packedBytes: Number(match[1]) * 1000, unpackedBytes: Number(match[2]) * 1000 };
}

/** `npm pack --dry-run` of the checkout (its `prepack` compiles what ships): the sizes npm prints. */
export function measurePackageSize(dir = REPO_ROOT): PackageSize {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--silent"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [report] = JSON.parse(out) as Array<{ size: number; unpackedSize: number }>;
  if (report === undefined) throw new Error("npm pack --dry-run --json reported nothing");
  return { packedBytes: report.size, unpackedBytes: report.unpackedSize };
}

const marker = (name: string) => new RegExp(`(<!-- figure:${name} -->)([^<]*)(<!-- /figure:${name} -->)`);

/** The text between a figure's markers, or undefined when the README has none. */
export function figureIn(readme: string, name: string): string | undefined {
  return marker(name).exec(readme)?.[2];
}

/** The README with a figure's text replaced. @throws when the README has no such figure */
export function withFigure(readme: string, name: string, value: string): string {
  if (figureIn(readme, name) === undefined) throw new Error(`README.md has no figure "${name}"`);
  return readme.replace(
    marker(name),
    (_all, open: string, _old: string, close: string) => `${open}${value}${close}`,
  );
}

/** The README this module maintains. */
export const README = path.join(REPO_ROOT, "README.md");

/** Measures every figure and rewrites the README (`npm run readme:figures`). */
function main(): void {
  const size = formatPackageSize(measurePackageSize());
  writeFileSync(README, withFigure(readFileSync(README, "utf8"), "package-size", size));
  console.log(`README.md: package-size = ${size}`);
}

if (require.main === module) main();
