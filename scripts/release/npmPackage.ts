/** npm packages of a release: `npm pack` of a folder, the checkout's (its `prepack` compiles what ships) or another. */
import { execFileSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../pulumiCli";

/** Packs the package in `dir` into `outDir`; the tarball's path. */
export function packNpmFolder(dir: string, outDir: string): string {
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", outDir], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const name = out.trim().split("\n").pop();
  if (!name) throw new Error(`npm pack in ${dir} printed no file name`);
  return path.join(outDir, name);
}

/** Packs the checkout (this package) into `outDir`; the tarball's path. */
export function packNpmPackage(outDir: string): string {
  return packNpmFolder(REPO_ROOT, outDir);
}
