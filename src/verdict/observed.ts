// Declared vs predicted vs observed for one cell, from the probe engine's
// stabilised result. An observation the probe could not make (`error`) is
// never read as a denial.

import type { Cell, ProbeKind } from "../scenario/plan.ts";
import type { Prediction } from "../oracle/types.ts";
import type { HistoryClass } from "./history.ts";
import type { Observation } from "../probe/types.ts";
import { declaredReach, predictedReach, type Reach } from "./verdict.ts";

/**
 * How a cell's samples behaved across rounds: the class of its history, or `unsettled` when the settle deadline ended the run first.
 */
export type Stability = HistoryClass | "unsettled";

export interface ObservedCell {
  /** The last (for stable and late cells: the settled) observation. */
  readonly final: Observation;
  readonly stability: Stability;
}

export type LiveVerdict =
  | { readonly kind: "pass" }
  /** Declared = predicted, but the network did otherwise: a CNI bug or regression. */
  | { readonly kind: "cni-mismatch"; readonly expected: Reach; readonly observed: Reach }
  /** The scenario or its policy is wrong (declared ≠ predicted), whatever was observed. */
  | { readonly kind: "expectation-mismatch"; readonly detail: string }
  /** The answer kept changing and never held. */
  | { readonly kind: "flaky" }
  /** Right in the end, but only after the settle window's first rounds. */
  | { readonly kind: "late"; readonly observed: Reach }
  /** The probe could not run, or its answer proves nothing. */
  | { readonly kind: "infra-error"; readonly detail: string };

/** What an observation means at the network level, for a probe kind. */
export function observedReach(kind: ProbeKind, o: Observation): Reach | { error: string } {
  switch (o.kind) {
    case "connected":
      return "allow";
    case "http":
      return kind === "http" ? "allow" : { error: `unexpected HTTP answer to a ${kind} probe` };
    case "timeout":
      return "deny";
    case "refused":
      // Our servers listen on every declared port, so a refusal is a policy
      // REJECT (CNIs that reject rather than drop) — a DNS probe has no refusal.
      return kind === "dns" ? { error: "DNS server refused the query" } : "deny";
    case "dns-error":
      // For a DNS probe an answer (even NXDOMAIN) proves the server was reached.
      return kind === "dns" ? "allow" : { error: `name did not resolve${o.detail ? `: ${o.detail}` : ""}` };
    case "error":
      return { error: o.detail };
  }
}

export function compareLiveCell(cell: Cell, predicted: Prediction, observed: ObservedCell): LiveVerdict {
  const declared = declaredReach(cell.declared);
  const predictedR = predictedReach(predicted);
  if (predicted.kind === "invalid") return { kind: "expectation-mismatch", detail: predicted.reason };
  if (declared !== "oracle" && declared !== predictedR) {
    return { kind: "expectation-mismatch", detail: `declared ${declared}, the policies say ${predictedR}` };
  }
  const expected: Reach = declared === "oracle" ? (predictedR ?? "deny") : declared;
  const reach = observedReach(cell.kind, observed.final);
  if (typeof reach !== "string") return { kind: "infra-error", detail: reach.error };
  switch (observed.stability) {
    case "flaky":
    case "unsettled":
      return { kind: "flaky" };
    case "late":
      return reach === expected ? { kind: "late", observed: reach } : { kind: "cni-mismatch", expected, observed: reach };
    case "stable":
      if (reach !== expected) return { kind: "cni-mismatch", expected, observed: reach };
      if (cell.kind === "http" && cell.http?.status !== undefined && observed.final.kind === "http" && observed.final.status !== cell.http.status) {
        return { kind: "expectation-mismatch", detail: `HTTP ${observed.final.status}, expected ${cell.http.status}` };
      }
      return { kind: "pass" };
  }
}
