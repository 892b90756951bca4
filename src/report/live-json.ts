// The machine-readable report of a live run. Its shape is versioned by
// `format`; any change that removes or renames a field bumps the version.
// The shape is documented in docs/json-report.md.

import type { Plan, Target } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import type { LiveRunResult, LiveSummary } from "../verdict/live-summary.ts";
import { liveOutcome, type LiveOutcome } from "../verdict/live-summary.ts";
import type { LiveVerdict, Stability } from "../verdict/observed.ts";
import { observedSamples, probedAt } from "./results.ts";

export const LIVE_JSON_FORMAT = "netproof.live/v1";

export interface LiveJson {
  readonly format: typeof LIVE_JSON_FORMAT;
  readonly scenario: { name: string; description: string; file: string; mistake: string | null };
  readonly warnings: ReadonlyArray<{ file: string; line: number; field: string; message: string }>;
  readonly cluster: string;
  readonly externals: ReadonlyArray<{ address: string; served: boolean }>;
  /** Each workload's pod as it ran: `workload` as the scenario names it, `namespace`/`name` on the cluster, its IP and node. */
  readonly pods: ReadonlyArray<{ workload: string; namespace: string; name: string; ip: string; node: string }>;
  readonly phases: ReadonlyArray<{ name: string; rounds: number; execs: number; cells: readonly LiveCellJson[] }>;
  readonly summary: LiveSummary;
  readonly timings: { realiseMs: number; probeMs: number; cleanupMs: number };
  readonly outcome: LiveOutcome;
  /** true exactly when the exit code is 0. */
  readonly ok: boolean;
}

export interface LiveCellJson {
  readonly key: string;
  readonly from: string;
  readonly to: Target;
  readonly port: number | string;
  readonly protocol: string;
  readonly probe: string;
  readonly declared: "allow" | "deny" | "oracle";
  readonly declaredAt: { file: string; line: number } | null;
  readonly predicted: "allow" | "deny" | "invalid";
  /** The oracle's reason, with the rule that decided. */
  readonly reason: string;
  readonly observed: {
    readonly outcome: string;
    readonly detail: string | null;
    readonly stability: Stability;
    /** Outcome words, one per round. */
    readonly samples: readonly string[];
    readonly settledAfterMs: number | null;
  };
  readonly verdict: LiveVerdict["kind"];
  readonly verdictDetail: LiveVerdict;
  /** Probe target address and port as probed; null when the cell could not be probed. */
  readonly address: { host: string; port: number } | null;
  readonly reproduce: string | null;
}

export function liveJson(plan: Plan, run: LiveRunResult): LiveJson {
  const outcome = liveOutcome(run.summary);
  return {
    format: LIVE_JSON_FORMAT,
    scenario: {
      name: plan.scenario.name,
      description: plan.scenario.description,
      file: plan.scenario.file,
      mistake: plan.scenario.demonstratesMistake ?? null,
    },
    warnings: plan.warnings.map((w) => ({ file: w.at.file, line: w.at.line, field: w.field, message: w.message })),
    cluster: run.cluster.description,
    externals: run.externals.map((e) => ({ ...e })),
    pods: run.pods.map((p) => ({ workload: p.workload, namespace: p.namespace, name: p.name, ip: p.ip, node: p.node })),
    phases: run.phases.map((phase) => ({
      name: phase.phase,
      rounds: phase.rounds,
      execs: phase.execs,
      cells: phase.cells.map((r): LiveCellJson => {
        const d = r.cell.declared;
        const p = r.predicted;
        return {
          key: r.cell.key,
          from: r.cell.from,
          to: r.cell.to,
          port: r.cell.port,
          protocol: r.cell.protocol,
          probe: r.cell.kind,
          declared: r.declared,
          declaredAt: d.kind === "oracle" ? null : { file: d.at.file, line: d.at.line },
          predicted: p.kind === "invalid" ? "invalid" : p.kind === "allowed" ? "allow" : "deny",
          reason: describePrediction(p, r.cell.key),
          observed: observedSamples(r),
          verdict: r.verdict.kind,
          verdictDetail: r.verdict,
          ...probedAt(r, run.probeTimeoutMs),
        };
      }),
    })),
    summary: run.summary,
    timings: { ...run.timings },
    outcome,
    ok: outcome === "pass",
  };
}
