// The oracle's explanation of each denied cell beyond its isolating policies:
// the rules that came closest and what each lacked, and for DNS cells that DNS
// is blocked. Shared by the terminal, results.json and the files made from it.
import { describeDnsBlock, describeNearMisses } from "../oracle/explain.ts";
import { nearMissesOfPhase } from "../oracle/predict-plan.ts";
import type { Prediction } from "../oracle/types.ts";
import type { Cell, Plan } from "../scenario/plan.ts";

/** By Cell.key, for the cells of the phase predicted denied. */
export function denialLines(
  plan: Plan,
  phaseName: string,
  cells: ReadonlyArray<{ readonly cell: Cell; readonly predicted: Prediction }>,
  ips: Readonly<Record<string, string>>,
): ReadonlyMap<string, readonly string[]> {
  const phase = plan.phases.find((p) => p.name === phaseName);
  const denied = cells.filter((c) => c.predicted.kind === "denied");
  const out = new Map<string, string[]>();
  if (!phase || denied.length === 0) return out;
  const misses = nearMissesOfPhase(plan, phase, ips, new Set(denied.map((c) => c.cell.key)));
  for (const c of denied) {
    const lines: string[] = [];
    if (c.cell.to.kind === "dns") {
      const dns = describeDnsBlock(c.predicted, c.cell.from);
      if (dns) lines.push(dns);
    }
    const m = misses.get(c.cell.key);
    if (m) lines.push(...describeNearMisses(c.predicted, m));
    out.set(c.cell.key, lines);
  }
  return out;
}
