// The oracle's public surface: NetworkPolicy semantics, no I/O.

export type * from "./types.ts";
export { createOracle, predict } from "./oracle.ts";
export type { Oracle } from "./oracle.ts";
export { describePrediction, describeRuleRef } from "./explain.ts";
export { cellQuery, phaseModel, predictPhase } from "./predict-plan.ts";
export { effectivePolicyTypes } from "./compile.ts";
