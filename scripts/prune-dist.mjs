// Removes compiled files under dist/ whose TypeScript source no longer exists (a module moved or deleted):
// `tsc` never deletes old outputs, and `npm pack` ships whatever matches package.json `files`, so a checkout
// built before a move would otherwise pack dead modules and make a release differ from a fresh clone's.
// Only stale files go: the live ones stay in place for anything running from dist/ meanwhile.
// Run by `npm run build` and by `prepack`.
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const OUTPUT = /\.(d\.ts|js|js\.map|d\.ts\.map)$/;

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const match = OUTPUT.exec(entry);
    if (!match) continue;
    const source = join(root, relative(dist, dir), entry.slice(0, -match[0].length));
    if (!existsSync(`${source}.ts`) && !existsSync(source)) rmSync(path);
  }
}

for (const top of ["provider", "emulator", "tests", "bench", "scripts"]) prune(join(dist, top));
