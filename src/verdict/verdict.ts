// The outcome of each cell: declared vs predicted (plan mode), and declared vs
// predicted vs observed (live). Pure; formatting belongs to src/report.

import type { Cell, Declared } from "../scenario/plan.ts";
import type { Prediction } from "../oracle/types.ts";

/** What a cell comes down to at the network level. */
export type Reach = "allow" | "deny";

export type PlanVerdict =
  /** Declared and predicted agree, or the author left the cell to the oracle. */
  | { readonly kind: "pass" }
  /** The scenario or its policy is wrong: the oracle says which rule decided. */
  | { readonly kind: "expectation-mismatch"; readonly declared: Reach; readonly predicted: Reach }
  /** The cell asks something that cannot happen (e.g. a port name the target lacks). */
  | { readonly kind: "invalid"; readonly reason: string };

export interface CellPlanResult {
  readonly cell: Cell;
  readonly declared: Reach | "oracle";
  readonly predicted: Prediction;
  readonly verdict: PlanVerdict;
}

export function declaredReach(declared: Declared): Reach | "oracle" {
  switch (declared.kind) {
    case "allow":
      return "allow";
    case "deny":
      return "deny";
    case "oracle":
      return "oracle";
  }
}

export function predictedReach(prediction: Prediction): Reach | undefined {
  switch (prediction.kind) {
    case "allowed":
      return "allow";
    case "denied":
      return "deny";
    case "invalid":
      return undefined;
  }
}

/** Shared: a plan of a million cells has nearly a million passes. */
const PASS: PlanVerdict = Object.freeze({ kind: "pass" });

export function comparePlanCell(cell: Cell, predicted: Prediction): CellPlanResult {
  const declared = declaredReach(cell.declared);
  const predictedR = predictedReach(predicted);
  let verdict: PlanVerdict;
  if (predicted.kind === "invalid") {
    verdict = { kind: "invalid", reason: predicted.reason };
  } else if (declared === "oracle" || declared === predictedR) {
    verdict = PASS;
  } else {
    verdict = { kind: "expectation-mismatch", declared, predicted: predictedR ?? "deny" };
  }
  return { cell, declared, predicted, verdict };
}

export interface PhasePlanResult {
  readonly phase: string;
  readonly cells: readonly CellPlanResult[];
}

export interface PlanSummary {
  readonly cells: number;
  readonly pass: number;
  readonly mismatches: number;
  readonly invalid: number;
  /** Cells left to the oracle (no declaration). */
  readonly undeclared: number;
  /** Every cell passes: the run's one pass rule, computed here only. */
  readonly ok: boolean;
}

export function summarisePlan(phases: readonly PhasePlanResult[]): PlanSummary {
  let cells = 0;
  let pass = 0;
  let mismatches = 0;
  let invalid = 0;
  let undeclared = 0;
  for (const phase of phases) {
    for (const r of phase.cells) {
      cells++;
      if (r.declared === "oracle") undeclared++;
      switch (r.verdict.kind) {
        case "pass":
          pass++;
          break;
        case "expectation-mismatch":
          mismatches++;
          break;
        case "invalid":
          invalid++;
          break;
      }
    }
  }
  return { cells, pass, mismatches, invalid, undeclared, ok: mismatches === 0 && invalid === 0 };
}
