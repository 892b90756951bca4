// Startup of the command: `netproof scenario three-tier --plan` run end to end
// as a user runs it, from the build (dist/, what the npm bin runs) and from
// the sources through tsx (what `npm run scenario` runs). Builds dist/ first
// if it is missing. Run alone with `npx tsx test/bench/startup.ts`.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = 7;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const [command, rest] = args[0] === "npm" ? ["npm", args.slice(1)] : [process.execPath, args];
  execFileSync(command, rest, { cwd: root, stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function runStartupBench(): Promise<void> {
  if (!existsSync(path.join(root, "dist", "cli", "main.js"))) execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  const variants: Array<[string, string[]]> = [
    ["node -e '' (Node itself)", ["-e", ""]],
    ["dist/cli/main.js (npm bin)", [path.join(root, "dist/cli/main.js"), "scenario", "three-tier", "--plan"]],
    ["tsx src/cli/main.ts (what npm run scenario runs)", ["--import", "tsx", path.join(root, "src/cli/main.ts"), "scenario", "three-tier", "--plan"]],
    ["npm run scenario three-tier -- --plan", ["npm", "run", "--silent", "scenario", "three-tier", "--", "--plan"]],
  ];
  console.log(`startup: scenario three-tier --plan, median of ${RUNS} runs (after one warm-up)`);
  for (const [name, args] of variants) {
    time(args);
    const runs = Array.from({ length: RUNS }, () => time(args));
    console.log(`  ${name.padEnd(48)} ${median(runs).toFixed(0).padStart(6)} ms   (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runStartupBench();
