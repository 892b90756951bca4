// The machine-readable report of plan mode. Its shape is versioned by
// `format`; any change that removes or renames a field bumps the version.
// The shape is documented in docs/json-report.md.

import type { Cell, Plan, Target } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import type { DirectionDecision } from "../oracle/types.ts";
import type { PhasePlanResult, PlanSummary } from "../verdict/verdict.ts";

export const PLAN_JSON_FORMAT = "netproof.plan/v1";

export interface PlanJson {
  readonly format: typeof PLAN_JSON_FORMAT;
  readonly scenario: { name: string; description: string; file: string; mistake: string | null };
  readonly warnings: ReadonlyArray<{ file: string; line: number; field: string; message: string }>;
  readonly phases: ReadonlyArray<{ name: string; cells: readonly CellJson[] }>;
  readonly summary: PlanSummary;
  /** true when every cell passes: the exit code of `--plan` is 0 exactly then. */
  readonly ok: boolean;
}

export interface CellJson {
  readonly key: string;
  readonly from: string;
  readonly to: Target;
  readonly port: number | string;
  readonly protocol: string;
  readonly probe: string;
  readonly http: Cell["http"] | null;
  readonly declared: "allow" | "deny" | "oracle";
  readonly declaredAt: { file: string; line: number } | null;
  readonly predicted: "allow" | "deny" | "invalid";
  readonly verdict: "pass" | "expectation-mismatch" | "invalid";
  /** One line a person can read. */
  readonly reason: string;
  readonly egress: DirectionDecision | null;
  readonly ingress: DirectionDecision | null;
}

export function planJson(plan: Plan, phases: readonly PhasePlanResult[], summary: PlanSummary): PlanJson {
  return {
    format: PLAN_JSON_FORMAT,
    scenario: {
      name: plan.scenario.name,
      description: plan.scenario.description,
      file: plan.scenario.file,
      mistake: plan.scenario.demonstratesMistake ?? null,
    },
    warnings: plan.warnings.map((w) => ({ file: w.at.file, line: w.at.line, field: w.field, message: w.message })),
    phases: phases.map((phase) => ({
      name: phase.phase,
      cells: phase.cells.map((r): CellJson => {
        const d = r.cell.declared;
        const p = r.predicted;
        return {
          key: r.cell.key,
          from: r.cell.from,
          to: r.cell.to,
          port: r.cell.port,
          protocol: r.cell.protocol,
          probe: r.cell.kind,
          http: r.cell.http ?? null,
          declared: r.declared,
          declaredAt: d.kind === "oracle" ? null : { file: d.at.file, line: d.at.line },
          predicted: p.kind === "invalid" ? "invalid" : p.kind === "allowed" ? "allow" : "deny",
          verdict: r.verdict.kind,
          reason: describePrediction(p, r.cell.key),
          egress: p.kind === "invalid" ? null : p.egress,
          ingress: p.kind === "invalid" ? null : p.ingress,
        };
      }),
    })),
    summary,
    ok: summary.ok,
  };
}
