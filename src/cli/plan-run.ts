// Plan mode: scenario → oracle → verdict, no cluster. Wiring only.

import { predictCells, unsupportedPolicies } from "../oracle/predict-plan.ts";
import type { Plan } from "../scenario/plan.ts";
import { comparePlanCell, summarisePlan, type PhasePlanResult, type PlanSummary } from "../verdict/verdict.ts";

export interface PlanRun {
  readonly phases: readonly PhasePlanResult[];
  readonly summary: PlanSummary;
  /** Manifests the oracle does not model (Calico policies), by phase. */
  readonly unmodelled: ReadonlyArray<{ phase: string; ids: readonly string[] }>;
}

export function runPlan(plan: Plan): PlanRun {
  const phases: PhasePlanResult[] = [];
  const unmodelled: Array<{ phase: string; ids: string[] }> = [];
  for (const phase of plan.phases) {
    const predictions = predictCells(plan, phase, plan.plannedIps);
    const cells = phase.cells.map((cell, i) => {
      const predicted = predictions[i];
      if (!predicted) throw new Error(`oracle gave no prediction for cell ${cell.key}`);
      return comparePlanCell(cell, predicted);
    });
    phases.push({ phase: phase.name, cells });
    const ids = unsupportedPolicies(phase).map((m) => m.id);
    if (ids.length > 0) unmodelled.push({ phase: phase.name, ids });
  }
  return { phases, summary: summarisePlan(phases), unmodelled };
}
