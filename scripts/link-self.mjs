// Links this package into its own node_modules (node_modules/ionos-registry-token -> ..), so that
// `require("ionos-registry-token/...")` resolves inside the repository exactly as it does for a user who
// installed the package. The serialized provider loads its implementation that way, and the examples import
// the package by name. Run by `npm run build`, not by an install hook: a `prepare` script would ship in the
// packed package.json, naming a file the package does not ship, and npm warns every user who installs it.
// Does nothing when this package is itself installed as a dependency.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
if (!root.split(sep).includes("node_modules")) {
  const link = join(root, "node_modules", "ionos-registry-token");
  let current;
  try {
    current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : "(not a link)";
  } catch {
    current = undefined;
  }
  if (current !== "..") {
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { recursive: true, force: true });
    symlinkSync("..", link, "dir");
  }
}
