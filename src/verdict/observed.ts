// Declared vs predicted vs observed for one cell, from the probe engine's
// samples. An observation the probe could not make (`error`) is never read as a
// denial, and neither is a silence or a refusal that proves nothing (nothing of
// netproof's answers there).

import type { Cell, ProbeKind } from "../scenario/plan.ts";
import type { Prediction } from "../oracle/types.ts";
import { classifyHistory, type HistoryClass } from "./history.ts";
import { outcomeKey } from "../probe/outcome.ts";
import type { Observation } from "../probe/types.ts";
import { declaredReach, predictedReach, type Reach } from "./verdict.ts";

/**
 * How a cell's samples behaved across rounds: the class of its history, or `unsettled` when the settle deadline ended the run first.
 */
export type Stability = HistoryClass | "unsettled";

/** What is known of the place a probe went, for reading its answer. */
export interface ProbeTarget {
  /**
   * A server is known to listen there (netproof's, or the cluster DNS), so a
   * refusal can only come from the network: CNIs that reject rather than drop
   * (kube-router). Default true.
   */
  readonly listening?: boolean;
  /**
   * Something answers there when allowed. False for an external address where
   * nothing of netproof's was put: a timeout may be a drop or just nobody
   * there. Default true.
   */
  readonly answers?: boolean;
}

export interface ObservedCell extends ProbeTarget {
  /** The last (for stable and late cells: the settled) observation. */
  readonly final: Observation;
  readonly stability: Stability;
  /** From the phase's change to the first sample of the answer that held (ms). */
  readonly settledAfterMs?: number;
}

export type LiveVerdict =
  | { readonly kind: "pass" }
  /** Declared = predicted, but the network did otherwise: a CNI bug or regression. */
  | { readonly kind: "cni-mismatch"; readonly expected: Reach; readonly observed: Reach }
  /** The scenario or its policy is wrong (declared ≠ predicted), whatever was observed. */
  | { readonly kind: "expectation-mismatch"; readonly detail: string }
  /** The answer kept changing and never held. */
  | { readonly kind: "flaky" }
  /**
   * Right in the end, but only after the first rounds: the policy was
   * programmed `latencyMs` after the change (per-cell programming latency).
   */
  | { readonly kind: "late"; readonly observed: Reach; readonly latencyMs: number | null }
  /** The probe could not run, or its answer proves nothing about the network. */
  | { readonly kind: "infra-error"; readonly detail: string }
  /** The answer cannot tell allowed from denied here (nothing of netproof's answers). */
  | { readonly kind: "inconclusive"; readonly detail: string };

export type ObservedReach = Reach | { readonly error: string } | { readonly inconclusive: string };

/** What an observation means at the network level, for a probe kind and its target. */
export function observedReach(kind: ProbeKind, o: Observation, target: ProbeTarget = {}): ObservedReach {
  const answers = target.answers ?? true;
  const listening = target.listening ?? true;
  switch (o.kind) {
    case "connected":
      return "allow";
    case "http":
      return kind === "http" ? "allow" : { error: `unexpected HTTP answer to a ${kind} probe` };
    case "timeout":
      return answers
        ? "deny"
        : { inconclusive: "nothing of netproof's answers at this address: an allowed connection cannot be told from a dropped one" };
    case "refused":
      if (kind === "dns") return { error: "DNS server refused the query" };
      // Where a server is known to listen, only the network refuses (a REJECT).
      if (answers && listening) return "deny";
      return {
        inconclusive: answers
          ? "refused on a port nothing is known to listen on: a closed port cannot be told from a CNI that rejects"
          : "refused at an address netproof does not serve: a closed port cannot be told from a CNI that rejects",
      };
    case "dns-error":
      // For a DNS probe an answer (even NXDOMAIN) proves the server was reached.
      return kind === "dns" ? "allow" : { error: `name did not resolve${o.detail ? `: ${o.detail}` : ""}` };
    case "error":
      return { error: o.detail };
  }
}

export interface TimedSample {
  readonly observation: Observation;
  /** Clock time of the sample (the probe engine's `at`). */
  readonly at: number;
}

/**
 * A cell's samples read as one history. `changedAt` is when the phase's
 * objects were applied; `settled` is what the probe engine said of the last k.
 */
export function observeSamples(
  samples: readonly TimedSample[],
  options: { readonly k: number; readonly settled: boolean; readonly changedAt: number } & ProbeTarget,
): ObservedCell {
  const last = samples[samples.length - 1];
  const final: Observation = last?.observation ?? { kind: "error", detail: "never probed" };
  const history = samples.map((s) => s.observation);
  const stability: Stability = options.settled ? classifyHistory(history, options.k) : "unsettled";
  const settledAfterMs = firstOfLastRun(samples);
  const target = {
    ...(options.listening !== undefined ? { listening: options.listening } : {}),
    ...(options.answers !== undefined ? { answers: options.answers } : {}),
  };
  return {
    final,
    stability,
    ...target,
    ...(settledAfterMs !== undefined ? { settledAfterMs: Math.max(0, settledAfterMs - options.changedAt) } : {}),
  };
}

/** When the answer that held at the end was first seen (errors neither start nor break it). */
function firstOfLastRun(samples: readonly TimedSample[]): number | undefined {
  const informative = samples.filter((s) => s.observation.kind !== "error");
  const last = informative[informative.length - 1];
  if (!last) return undefined;
  const key = outcomeKey(last.observation);
  let first = last;
  for (let i = informative.length - 1; i >= 0; i--) {
    const s = informative[i];
    if (!s || outcomeKey(s.observation) !== key) break;
    first = s;
  }
  return first.at;
}

export function compareLiveCell(cell: Cell, predicted: Prediction, observed: ObservedCell): LiveVerdict {
  const declared = declaredReach(cell.declared);
  const predictedR = predictedReach(predicted);
  if (predicted.kind === "invalid") return { kind: "expectation-mismatch", detail: predicted.reason };
  if (declared !== "oracle" && declared !== predictedR) {
    return { kind: "expectation-mismatch", detail: `declared ${declared}, the policies say ${predictedR}` };
  }
  const expected: Reach = declared === "oracle" ? (predictedR ?? "deny") : declared;
  if (observed.final.kind === "error") return { kind: "infra-error", detail: observed.final.detail };
  if (observed.stability === "flaky" || observed.stability === "unsettled") return { kind: "flaky" };
  const reach = observedReach(cell.kind, observed.final, observed);
  if (typeof reach !== "string") {
    return "error" in reach ? { kind: "infra-error", detail: reach.error } : { kind: "inconclusive", detail: reach.inconclusive };
  }
  if (reach !== expected) return { kind: "cni-mismatch", expected, observed: reach };
  if (cell.kind === "http" && cell.http?.status !== undefined && observed.final.kind === "http" && observed.final.status !== cell.http.status) {
    return { kind: "expectation-mismatch", detail: `HTTP ${observed.final.status}, expected ${cell.http.status}` };
  }
  return observed.stability === "late" ? { kind: "late", observed: reach, latencyMs: observed.settledAfterMs ?? null } : { kind: "pass" };
}
