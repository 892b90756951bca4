// The outcome of a live run: every cell's verdict counted, and what the run
// as a whole comes to (the CLI turns that into an exit code).
import type { ClusterInfo, PodRef, ReadyPod } from "../cluster/port.ts";
import type { ProbeSample } from "../probe/engine.ts";
import type { ProbeSpec } from "../probe/types.ts";
import type { Cell } from "../scenario/plan.ts";
import type { Prediction } from "../oracle/types.ts";
import type { LiveVerdict, ObservedCell } from "./observed.ts";
import type { Reach } from "./verdict.ts";

export interface CellLiveResult {
  readonly cell: Cell;
  readonly declared: Reach | "oracle";
  /** With the run's real pod IPs. */
  readonly predicted: Prediction;
  readonly observed: ObservedCell;
  readonly verdict: LiveVerdict;
  /** Where the probe ran, for the command that reproduces it; absent when it could not run. */
  readonly probe?: { readonly pod: PodRef; readonly spec: ProbeSpec };
  readonly samples: readonly ProbeSample[];
}

export interface PhaseLiveResult {
  readonly phase: string;
  readonly cells: readonly CellLiveResult[];
  readonly rounds: number;
  readonly execs: number;
}

/** Everything a live run found, for the reports. */
export interface LiveRunResult {
  readonly cluster: ClusterInfo;
  readonly phases: readonly PhaseLiveResult[];
  readonly summary: LiveSummary;
  /** The real pod IPs, by workload id. */
  readonly ips: Readonly<Record<string, string>>;
  /** Where each workload's pod really ran: its namespace and name on the cluster (renamed per run on a shared cluster), IP and node. */
  readonly pods: readonly PodPlacement[];
  readonly externals: ReadonlyArray<{ readonly address: string; readonly served: boolean }>;
  readonly timings: { readonly realiseMs: number; readonly probeMs: number; readonly cleanupMs: number };
  /** The probe timeout, for the commands that reproduce probes. */
  readonly probeTimeoutMs: number;
}

export interface PodPlacement extends ReadyPod {
  /** The workload id, as the scenario names it. */
  readonly workload: string;
}

export interface LiveSummary {
  readonly cells: number;
  /** pass and late (late cells are right, only slow to be). */
  readonly passed: number;
  readonly late: number;
  /** cni-mismatch, expectation-mismatch and flaky. */
  readonly failed: number;
  readonly infraErrors: number;
  readonly inconclusive: number;
  readonly byVerdict: Readonly<Record<LiveVerdict["kind"], number>>;
}

export type LiveOutcome = "pass" | "failures" | "infra-error";

export function summariseLive(phases: ReadonlyArray<{ readonly cells: readonly CellLiveResult[] }>): LiveSummary {
  const byVerdict: Record<LiveVerdict["kind"], number> = {
    pass: 0,
    late: 0,
    "cni-mismatch": 0,
    "expectation-mismatch": 0,
    flaky: 0,
    "infra-error": 0,
    inconclusive: 0,
  };
  let cells = 0;
  for (const phase of phases) {
    for (const r of phase.cells) {
      cells++;
      byVerdict[r.verdict.kind]++;
    }
  }
  return {
    cells,
    passed: byVerdict.pass + byVerdict.late,
    late: byVerdict.late,
    failed: byVerdict["cni-mismatch"] + byVerdict["expectation-mismatch"] + byVerdict.flaky,
    infraErrors: byVerdict["infra-error"],
    inconclusive: byVerdict.inconclusive,
    byVerdict,
  };
}

/** Failures first: a wrong answer is a finding even when other cells could not be probed. */
export function liveOutcome(s: LiveSummary): LiveOutcome {
  if (s.failed > 0) return "failures";
  if (s.infraErrors > 0) return "infra-error";
  return "pass";
}
