// Nightly: one Markdown row per scenario of a live run; fails (exit 1) when the
// run did not pass. Reads the live JSON report (`--format json`): each phase's
// cells carry `key` and `verdict`.
//   node live-summary.mjs <scenario> <report.json> <exit code>
import { readFileSync } from "node:fs";

const [scenario, file, code] = process.argv.slice(2);
let cells = [];
try {
  const report = JSON.parse(readFileSync(file, "utf8"));
  // A cell of a v2 report gives its outcome (verdict, …) as an index into `outcomes`.
  cells = (report.phases ?? []).flatMap((p) => (p.cells ?? []).map((c) => ({ ...(report.outcomes?.[c.outcome] ?? {}), ...c, phase: p.name })));
} catch (e) {
  console.log(`| ${scenario} | exit ${code} | no readable report (${e.message.split("\n")[0]}) |`);
  process.exit(1);
}
const failing = cells.filter((c) => c.verdict !== "pass");
const shown = failing.slice(0, 10).map((c) => `\`${c.phase}: ${c.key}\` ${c.verdict}`).join("<br>");
console.log(`| ${scenario} | exit ${code} | ${cells.length - failing.length}/${cells.length} pass${shown ? `<br>${shown}` : ""} |`);
process.exit(code === "0" && failing.length === 0 ? 0 : 1);
