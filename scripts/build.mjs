// `npm run build`: compiles src/ to dist/, so the installed `netproof` command
// starts without transpiling TypeScript at every run. `prepack` runs it, so
// `npm pack`, publishing and installs from git ship a fresh build; it is no
// install script, so installing the package runs nothing. Files the code reads
// at run time (the probe's shell scripts) are copied beside it.

import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });

// Non-TypeScript files under src/ (the probe runner's shell scripts).
for (const entry of readdirSync(path.join(root, "src"), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith(".ts")) continue;
  const from = path.join(entry.parentPath, entry.name);
  cpSync(from, path.join(dist, path.relative(path.join(root, "src"), from)));
}
