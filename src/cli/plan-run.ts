// Plan mode: scenario → oracle → verdict, no cluster. Wiring only.

import { predictCells } from "../oracle/predict-plan.ts";
import type { Plan } from "../scenario/plan.ts";
import { comparePlanCell, summarisePlan, type PhasePlanResult, type PlanSummary } from "../verdict/verdict.ts";

export interface PlanRun {
  readonly phases: readonly PhasePlanResult[];
  readonly summary: PlanSummary;
}

export function runPlan(plan: Plan): PlanRun {
  const phases: PhasePlanResult[] = [];
  for (const phase of plan.phases) {
    const predictions = predictCells(plan, phase, plan.plannedIps);
    const cells = phase.cells.map((cell, i) => {
      const predicted = predictions[i];
      if (!predicted) throw new Error(`oracle gave no prediction for cell ${cell.key}`);
      return comparePlanCell(cell, predicted);
    });
    phases.push({ phase: phase.name, cells });
  }
  return { phases, summary: summarisePlan(phases) };
}
