// The oracle's public surface: NetworkPolicy semantics, no I/O.

export type * from "./types.ts";
export { createOracle, predict } from "./oracle.ts";
export type { Oracle } from "./oracle.ts";
export { describeDnsBlock, describeNearMiss, describeNearMisses, describePrediction, describeRuleRef } from "./explain.ts";
export { nearMisses } from "./near-miss.ts";
export type { DirectionMisses, NearMiss, PeerLack } from "./near-miss.ts";
export { cellQuery, nearMissesOfPhase, phaseModel, predictPhase } from "./predict-plan.ts";
export { effectivePolicyTypes } from "./compile.ts";
