// Words and marks shared by the live text and JSON reports.
import type { Mark } from "./truth-table.ts";
import type { CellLiveResult as CellLiveRun } from "../verdict/live-summary.ts";
import { observedReach, type LiveVerdict } from "../verdict/observed.ts";
import { predictedReach } from "../verdict/verdict.ts";
import { describeObservation, outcomeKey } from "../probe/outcome.ts";

/** What the cell should do: the author's word, or the oracle's where the author left it. */
export function expectedMark(r: CellLiveRun): Mark {
  return r.declared !== "oracle" ? r.declared : (predictedReach(r.predicted) ?? "unknown");
}

export function observedMark(r: CellLiveRun): Mark {
  const reach = observedReach(r.cell.kind, r.observed.final, r.observed);
  return typeof reach === "string" ? reach : "unknown";
}

/** Failing cells: a wrong answer, an unstable one, or the scenario's own mistake. */
export function isFailure(v: LiveVerdict): boolean {
  return v.kind === "cni-mismatch" || v.kind === "expectation-mismatch" || v.kind === "flaky";
}

export function verdictText(v: LiveVerdict): string {
  switch (v.kind) {
    case "pass":
      return "pass";
    case "cni-mismatch":
      return `cni-mismatch: expected ${v.expected}, the network did ${v.observed}`;
    case "expectation-mismatch":
      return `expectation-mismatch: ${v.detail}`;
    case "flaky":
      return "flaky: the answer kept changing";
    case "late":
      return `late: ${v.observed} only ${v.latencyMs === null ? "after the first rounds" : `${seconds(v.latencyMs)} after the change`}`;
    case "infra-error":
      return `infra-error: ${v.detail}`;
    case "inconclusive":
      return `inconclusive: ${v.detail}`;
  }
}

export function samplesText(r: CellLiveRun): string {
  if (r.samples.length === 0) return describeObservation(r.observed.final);
  return `${describeObservation(r.observed.final)}; samples ${r.samples.map((s) => outcomeKey(s.observation)).join(", ")}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
