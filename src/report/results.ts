// The one machine-readable shape of a run, plan or live: what `--report-dir`
// writes as results.json and `--save-baseline` stores, and what every other
// report file (JUnit, Markdown, HTML) and `netproof diff` are made from.
// Documented in docs/results.md. (`--format json` keeps the per-mode reports,
// plan-json.ts and live-json.ts.)
// A change that removes or renames a field bumps the version.

import type { Cell, Plan, Target } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import type { DirectionDecision, Prediction } from "../oracle/types.ts";
import { outcomeKey } from "../probe/outcome.ts";
import type { CellLiveResult, LiveRunResult, LiveOutcome } from "../verdict/live-summary.ts";
import { liveOutcome } from "../verdict/live-summary.ts";
import { observedReach, type LiveVerdict, type Stability } from "../verdict/observed.ts";
import type { CellPlanResult, PhasePlanResult, PlanVerdict } from "../verdict/verdict.ts";
import { workloadLabels } from "./labels.ts";
import { denialLines } from "./near-miss-lines.ts";
import { ruleCoverage, type CoverageJson } from "./coverage.ts";
import { reproduceCommand } from "./reproduce.ts";
import { NETPROOF_VERSION } from "./version.ts";

export const RESULTS_FORMAT = "netproof.results/v2";

export type VerdictKind = PlanVerdict["kind"] | LiveVerdict["kind"];

export interface Results {
  readonly format: typeof RESULTS_FORMAT;
  readonly mode: "plan" | "live";
  readonly netproof: { readonly version: string };
  readonly scenario: { name: string; description: string; file: string; mistake: string | null };
  /** Every workload of the scenario in its order, with the short label the tables use. */
  readonly workloads: ReadonlyArray<{ id: string; label: string; managed: boolean }>;
  /** Named external addresses of the scenario. */
  readonly externals: ReadonlyArray<{ name: string | null; address: string; served: boolean | null }>;
  readonly warnings: readonly WarningJson[];
  /** Null in plan mode. What the cluster says of itself; fields it does not say are null. */
  readonly cluster: ClusterJson | null;
  readonly phases: ReadonlyArray<{ name: string; rounds: number | null; execs: number | null; cells: readonly ResultCell[] }>;
  readonly summary: ResultsSummary;
  /** For each rule and peer of the scenario's policies, the cells it admits; and those no cell exercises. */
  readonly coverage: CoverageJson;
  readonly timings: { realiseMs: number; probeMs: number; cleanupMs: number } | null;
  readonly outcome: LiveOutcome;
  /** true exactly when the exit code is 0. */
  readonly ok: boolean;
}

export interface ClusterJson {
  readonly description: string;
  readonly profile: string | null;
  readonly cni: { readonly name: string | null; readonly version: string | null };
  readonly kubernetesVersion: string | null;
}

export interface WarningJson {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ResultCell {
  readonly key: string;
  readonly from: string;
  readonly to: Target;
  readonly port: number | string;
  readonly protocol: string;
  readonly probe: string;
  readonly http: Cell["http"] | null;
  readonly declared: "allow" | "deny" | "oracle";
  readonly declaredAt: { file: string; line: number } | null;
  readonly predicted: "allow" | "deny" | "invalid";
  /** The oracle's one-line reason, with the rule that decided. */
  readonly reason: string;
  /** For a denied cell: the rules that came closest and what each lacked (and, for DNS, that DNS is blocked). */
  readonly nearMisses: readonly string[];
  readonly egress: DirectionDecision | null;
  readonly ingress: DirectionDecision | null;
  /** Null in plan mode. */
  readonly observed: ObservedJson | null;
  readonly verdict: VerdictKind;
  readonly verdictDetail: PlanVerdict | LiveVerdict;
  /** Live: the address and port probed; null in plan mode or when the cell could not be probed. */
  readonly address: { host: string; port: number } | null;
  readonly reproduce: string | null;
}

export interface ObservedJson {
  /** What the outcome means at the network level; unknown when it proves nothing (errors, inconclusive answers). */
  readonly reach: "allow" | "deny" | "unknown";
  readonly outcome: string;
  readonly detail: string | null;
  readonly stability: Stability;
  /** Outcome words, one per round. */
  readonly samples: readonly string[];
  readonly settledAfterMs: number | null;
}

export interface ResultsSummary {
  readonly cells: number;
  /** pass and late. */
  readonly passed: number;
  /** expectation-mismatch, invalid, cni-mismatch and flaky: each makes the exit code 1. */
  readonly failed: number;
  readonly infraErrors: number;
  readonly inconclusive: number;
  /** Cells left to the oracle (no declaration). */
  readonly undeclared: number;
  readonly byVerdict: Readonly<Partial<Record<VerdictKind, number>>>;
}

const FAILING: ReadonlySet<VerdictKind> = new Set(["expectation-mismatch", "invalid", "cni-mismatch", "flaky"]);

export function isFailingVerdict(v: VerdictKind): boolean {
  return FAILING.has(v);
}

export interface ClusterFacts {
  readonly profile?: string;
  readonly cni?: { readonly name?: string; readonly version?: string };
  readonly kubernetesVersion?: string;
}

export function planResults(plan: Plan, phases: readonly PhasePlanResult[]): Results {
  const out = phases.map((p) => {
    const why = denialLines(plan, p.phase, p.cells, plan.plannedIps);
    return { name: p.phase, rounds: null, execs: null, cells: p.cells.map((c) => planCell(c, why.get(c.cell.key) ?? [])) };
  });
  return assemble(plan, "plan", out, { cluster: null, timings: null, served: () => null, coverage: ruleCoverage(plan, plan.plannedIps) });
}

export function liveResults(plan: Plan, run: LiveRunResult, facts: ClusterFacts = run.cluster): Results {
  const cache = new Map<string, ReadonlyMap<string, readonly string[]>>();
  const why = (phase: string, cells: readonly CellLiveResult[]) => {
    let lines = cache.get(phase);
    if (!lines) cache.set(phase, (lines = denialLines(plan, phase, cells, run.ips)));
    return lines;
  };
  const out = run.phases.map((p) => ({
    name: p.phase,
    rounds: p.rounds,
    execs: p.execs,
    cells: p.cells.map((c) => liveCell(c, run.probeTimeoutMs, why(p.phase, p.cells).get(c.cell.key) ?? [])),
  }));
  const cluster: ClusterJson = {
    description: run.cluster.description,
    profile: facts.profile ?? null,
    cni: { name: facts.cni?.name ?? null, version: facts.cni?.version ?? null },
    kubernetesVersion: facts.kubernetesVersion ?? null,
  };
  const served = (address: string) => run.externals.find((e) => e.address === address)?.served ?? null;
  return assemble(plan, "live", out, { cluster, timings: { ...run.timings }, served, coverage: ruleCoverage(plan, run.ips) });
}

function assemble(
  plan: Plan,
  mode: Results["mode"],
  phases: Results["phases"],
  extra: { cluster: ClusterJson | null; timings: Results["timings"]; served: (address: string) => boolean | null; coverage: CoverageJson },
): Results {
  const all = plan.phases[0]?.workloads ?? [];
  const labels = workloadLabels(all);
  const ordered = [...all.filter((w) => w.managed), ...all.filter((w) => !w.managed)];
  const summary = summarise(phases);
  const outcome: LiveOutcome = liveOutcome({ failed: summary.failed, infraErrors: summary.infraErrors } as Parameters<typeof liveOutcome>[0]);
  return {
    format: RESULTS_FORMAT,
    mode,
    netproof: { version: NETPROOF_VERSION },
    scenario: {
      name: plan.scenario.name,
      description: plan.scenario.description,
      file: plan.scenario.file,
      mistake: plan.scenario.demonstratesMistake ?? null,
    },
    workloads: ordered.map((w) => ({ id: w.id, label: labels.get(w.id) ?? w.id, managed: w.managed })),
    externals: externalsOf(phases).map((e) => ({ ...e, served: extra.served(e.address) })),
    warnings: plan.warnings.map((w) => ({ file: w.at.file, line: w.at.line, field: w.field, message: w.message })),
    cluster: extra.cluster,
    phases,
    summary,
    coverage: extra.coverage,
    timings: extra.timings,
    outcome,
    ok: outcome === "pass",
  };
}

export function summarise(phases: Results["phases"]): ResultsSummary {
  const byVerdict: Partial<Record<VerdictKind, number>> = {};
  let cells = 0;
  let undeclared = 0;
  for (const phase of phases) {
    for (const c of phase.cells) {
      cells++;
      if (c.declared === "oracle") undeclared++;
      byVerdict[c.verdict] = (byVerdict[c.verdict] ?? 0) + 1;
    }
  }
  const n = (k: VerdictKind) => byVerdict[k] ?? 0;
  return {
    cells,
    passed: n("pass") + n("late"),
    failed: [...FAILING].reduce((sum, k) => sum + n(k), 0),
    infraErrors: n("infra-error"),
    inconclusive: n("inconclusive"),
    undeclared,
    byVerdict,
  };
}

function common(cell: Cell, declared: CellPlanResult["declared"], p: Prediction, nearMisses: readonly string[]) {
  const d = cell.declared;
  return {
    key: cell.key,
    from: cell.from,
    to: cell.to,
    port: cell.port,
    protocol: cell.protocol,
    probe: cell.kind,
    http: cell.http ?? null,
    declared,
    declaredAt: d.kind === "oracle" ? null : { file: d.at.file, line: d.at.line },
    predicted: p.kind === "invalid" ? "invalid" : p.kind === "allowed" ? "allow" : "deny",
    reason: describePrediction(p, cell.key),
    nearMisses,
    egress: p.kind === "invalid" ? null : p.egress,
    ingress: p.kind === "invalid" ? null : p.ingress,
  } as const;
}

function planCell(r: CellPlanResult, nearMisses: readonly string[]): ResultCell {
  return {
    ...common(r.cell, r.declared, r.predicted, nearMisses),
    observed: null,
    verdict: r.verdict.kind,
    verdictDetail: r.verdict,
    address: null,
    reproduce: null,
  };
}

function liveCell(r: CellLiveResult, probeTimeoutMs: number, nearMisses: readonly string[]): ResultCell {
  return {
    ...common(r.cell, r.declared, r.predicted, nearMisses),
    observed: { reach: reachOf(r), ...observedSamples(r) },
    verdict: r.verdict.kind,
    verdictDetail: r.verdict,
    ...probedAt(r, probeTimeoutMs),
  };
}

/** What a live cell's probe saw, as both JSON reports write it. */
export function observedSamples(r: CellLiveResult) {
  return {
    outcome: outcomeKey(r.observed.final),
    detail: r.observed.final.detail ?? null,
    stability: r.observed.stability,
    samples: r.samples.map((s) => outcomeKey(s.observation)),
    settledAfterMs: r.observed.settledAfterMs ?? null,
  };
}

/** Where a live cell was probed, and the command that probes it again by hand. */
export function probedAt(r: CellLiveResult, probeTimeoutMs: number) {
  const spec = r.probe?.spec;
  return {
    address: spec && spec.kind !== "dns" ? { host: spec.host, port: spec.port } : null,
    reproduce: r.probe ? reproduceCommand(r.probe.pod, r.probe.spec, probeTimeoutMs) : null,
  };
}

function externalsOf(phases: Results["phases"]): Array<{ name: string | null; address: string }> {
  const seen = new Map<string, string | null>();
  for (const p of phases) {
    for (const c of p.cells) if (c.to.kind === "external") seen.set(c.to.address, c.to.host ?? seen.get(c.to.address) ?? null);
  }
  return [...seen].map(([address, name]) => ({ name, address }));
}

function reachOf(r: CellLiveResult): ObservedJson["reach"] {
  const reach = observedReach(r.cell.kind, r.observed.final, r.observed);
  return typeof reach === "string" ? reach : "unknown";
}
