// Nightly negative control (k3s-no-policy, where nothing enforces NetworkPolicy):
// passes exactly when the failing cells of the live run are the cells the
// oracle predicts denied. Anything else means netproof failed to see a missing
// enforcer, or blamed the CNI for something else.
//   node negative-control.mjs <plan.json> <live.json> <exit code>
import { readFileSync } from "node:fs";

const [planFile, liveFile, code] = process.argv.slice(2);
// A netproof.plan/v2 cell gives its outcome (predicted, verdict, …) as an index into `outcomes`.
const cells = (file) => {
  const report = JSON.parse(readFileSync(file, "utf8"));
  return report.phases.flatMap((p) => p.cells.map((c) => ({ ...(report.outcomes?.[c.outcome] ?? {}), ...c, id: `${p.name}: ${c.key}` })));
};

let plan, live;
try {
  plan = cells(planFile);
  live = cells(liveFile);
} catch (e) {
  console.log(`| ${planFile} | exit ${code} | no readable report (${e.message.split("\n")[0]}) |`);
  process.exit(1);
}
const expected = new Set(plan.filter((c) => c.predicted === "deny").map((c) => c.id));
const failing = new Set(live.filter((c) => c.verdict !== "pass").map((c) => c.id));
const missed = [...expected].filter((id) => !failing.has(id));
const extra = [...failing].filter((id) => !expected.has(id));
const wrongVerdict = live.filter((c) => expected.has(c.id) && c.verdict !== "cni-mismatch").map((c) => `${c.id} (${c.verdict})`);
const name = planFile.split("/").pop().replace(/\.plan\.json$/, "");
const ok = missed.length === 0 && extra.length === 0 && wrongVerdict.length === 0;
const list = (label, items) => (items.length ? `<br>${label}: ${items.slice(0, 10).map((i) => `\`${i}\``).join(", ")}${items.length > 10 ? " …" : ""}` : "");
console.log(
  `| ${name} | exit ${code} | ${ok ? "ok" : "WRONG"}: ${failing.size} failing, ${expected.size} predicted denied` +
    `${list("denied but passed", missed)}${list("failed but predicted allowed", extra)}${list("not cni-mismatch", wrongVerdict)} |`,
);
process.exit(ok ? 0 : 1);
