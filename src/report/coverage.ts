// Rule coverage: for each rule and peer of the scenario's policies, the cells
// it admits (in its direction, in any phase), and the ones no cell exercises:
// a rule nothing exercises is either dead or untested by this scenario.
import { ruleCoverageOfPhase } from "../oracle/predict-plan.ts";
import type { Plan } from "../scenario/plan.ts";

export interface CoverageJson {
  readonly rules: ReadonlyArray<{
    readonly policy: string;
    readonly direction: "ingress" | "egress";
    readonly rule: number;
    /** null for a rule without peers. */
    readonly peer: number | null;
    /** Cells it admits, over every phase. */
    readonly cells: number;
    /** Up to five of them, as `phase: cell key`. */
    readonly examples: readonly string[];
  }>;
  /** One sentence per rule or peer that no cell exercises. */
  readonly unexercised: readonly string[];
}

const EXAMPLES = 5;

/** `ips` by phase name: the planned IPs in plan mode, the live ones in a live run. */
export function ruleCoverage(plan: Plan, ips: Readonly<Record<string, string>>): CoverageJson {
  const rows = new Map<string, { policy: string; direction: "ingress" | "egress"; rule: number; peer: number | null; cells: string[] }>();
  for (const phase of plan.phases) {
    for (const { slot, cells } of ruleCoverageOfPhase(plan, phase, ips)) {
      const key = `${slot.policy} ${slot.direction} ${slot.rule} ${slot.peer ?? ""}`;
      const row = rows.get(key) ?? { policy: slot.policy, direction: slot.direction, rule: slot.rule, peer: slot.peer ?? null, cells: [] };
      row.cells.push(...cells.map((c) => `${phase.name}: ${c}`));
      rows.set(key, row);
    }
  }
  const rules = [...rows.values()].map((r) => ({ policy: r.policy, direction: r.direction, rule: r.rule, peer: r.peer, cells: r.cells.length, examples: r.cells.slice(0, EXAMPLES) }));
  // A peer-less rule, or a rule none of whose peers is exercised, is named as a rule; a single idle peer of a used rule, as a peer.
  const unexercised: string[] = [];
  const byRule = new Map<string, typeof rules>();
  for (const r of rules) {
    const k = `${r.policy} ${r.direction} ${r.rule}`;
    byRule.set(k, [...(byRule.get(k) ?? []), r]);
  }
  for (const group of byRule.values()) {
    const first = group[0]!;
    const where = `rule ${first.rule} of ${first.policy} (${first.direction})`;
    if (group.every((r) => r.cells === 0)) unexercised.push(`${where} is never exercised by this scenario`);
    else for (const r of group) if (r.cells === 0) unexercised.push(`peer ${r.peer} of ${where} is never exercised by this scenario`);
  }
  return { rules, unexercised };
}

export function coverageLines(c: CoverageJson): string[] {
  if (c.rules.length === 0) return [];
  const used = c.rules.filter((r) => r.cells > 0).length;
  const lines = [`Rule coverage: ${used} of ${c.rules.length} rules and peers admit at least one cell`];
  for (const s of c.unexercised) lines.push(`  -- ${s}`);
  return lines;
}
