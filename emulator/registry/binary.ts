/**
 * Finding Docker Distribution's registry binary: `--registry-binary`, or `docker-registry` (Debian's name)
 * or `registry` (upstream's) on `PATH`. When there is none, the error says how to install it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The names looked up on `PATH`, in order. */
export const REGISTRY_BINARY_NAMES = ["docker-registry", "registry"] as const;

/** How to get the registry server and skopeo (also in the README and `docs/emulator.md`). */
export const HOW_TO_GET_REGISTRY_TOOLS =
  "Install Docker Distribution 2.8 and skopeo: `apt-get install docker-registry skopeo` on Debian or Ubuntu " +
  "(scripts/ensure-registry-tools.sh in the repository does it), or put the `registry` binary of a Distribution " +
  "2.8 release on PATH, or pass --registry-binary PATH.";

/**
 * The registry binary to run.
 * @param explicit - a path given by the user, which must be an executable file
 * @throws Error naming what was looked for and how to install it
 */
export function findRegistryBinary(explicit?: string, searchPath = process.env.PATH ?? ""): string {
  if (explicit !== undefined) {
    if (isExecutable(explicit)) return path.resolve(explicit);
    throw new Error(`--registry-binary ${explicit} is not an executable file. ${HOW_TO_GET_REGISTRY_TOOLS}`);
  }
  for (const name of REGISTRY_BINARY_NAMES) {
    for (const dir of searchPath.split(path.delimiter).filter((d) => d !== "")) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new Error(
    `--serve-registry needs Docker Distribution's registry server, and neither ${REGISTRY_BINARY_NAMES.join(" nor ")} is on PATH. ${HOW_TO_GET_REGISTRY_TOOLS}`,
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
