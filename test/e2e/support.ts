// Runs the real live pipeline (src/cli/live-run.ts) on a fresh lab adapter
// behind the oracle CNI, and says what each cell should come to.
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { runLive, type LiveOptions, type LiveRun } from "../../src/cli/live-run.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import type { Plan, Target } from "../../src/scenario/plan.ts";
import type { CellLiveResult } from "../../src/verdict/live-summary.ts";
import type { LiveVerdict } from "../../src/verdict/observed.ts";
import { LabCluster } from "../cluster/lab-adapter.ts";
import { isClean, listLeftovers } from "../lab/leftovers.ts";
import { OracleCni, type CniBehaviour } from "./oracle-cni.ts";

export const library = (name: string): Plan => loadScenario(resolveScenario(name, DEFAULT_SCENARIO_DIR));

export const PROBE = { timeoutMs: 1000, requiredStreak: 2 } as const;

export interface E2eRun {
  readonly plan: Plan;
  readonly run: LiveRun;
  /** Lab leftovers after the run (empty when everything was removed). */
  readonly leftovers: readonly string[];
}

export async function liveOnLab(
  name: string,
  behaviour: CniBehaviour,
  options: Partial<LiveOptions> & { readonly prepare?: (lab: LabCluster) => void } = {},
): Promise<E2eRun> {
  const plan = library(name);
  const lab = await LabCluster.start();
  const cni = new OracleCni(lab);
  cni.behaviour = behaviour;
  options.prepare?.(lab);
  try {
    const run = await runLive(plan, cni, { runId: "e2e", probe: PROBE, exitOnSignal: false, ...options });
    const l = listLeftovers(lab.prefix);
    return { plan, run, leftovers: isClean(l) ? [] : [JSON.stringify(l)] };
  } finally {
    await lab.cleanup();
  }
}

export const cellsOf = (run: LiveRun): Array<CellLiveResult & { phase: string }> =>
  run.phases.flatMap((p) => p.cells.map((c) => ({ ...c, phase: p.phase })));

export const label = (c: { phase: string; cell: { key: string } }): string => `${c.phase}: ${c.cell.key}`;

/** Verdict kinds by `phase: cell`, for deep-equal comparisons that show every difference. */
export function verdicts(run: LiveRun): Record<string, LiveVerdict["kind"]> {
  return Object.fromEntries(cellsOf(run).map((c) => [label(c), c.verdict.kind]));
}

/** Where the scenario (with this run's real pod IPs) disagrees with itself, the cell is the scenario's mistake. */
export function scenarioAgrees(c: CellLiveResult): boolean {
  if (c.predicted.kind === "invalid") return false;
  const predicted = c.predicted.kind === "allowed" ? "allow" : "deny";
  return c.declared === "oracle" || c.declared === predicted;
}

/** An external address the lab cannot stand a host at: its answers prove nothing either way. */
export function unserved(run: LiveRun, c: CellLiveResult): boolean {
  return c.cell.to.kind === "external" && !run.externals.some((e) => e.served && c.cell.to.kind === "external" && e.address === c.cell.to.address);
}

/** coredns's metrics port: the lab's DNS server does not listen there, so an allowed probe is refused (proves nothing). */
export function labDnsMetrics(c: CellLiveResult): boolean {
  return c.cell.to.kind === "workload" && c.cell.to.workload === "kube-system/coredns" && c.cell.port !== 53;
}

/** What a cell's verdict depends on, from a LiveRun or from the live JSON. */
export interface CellFacts {
  readonly declared: "allow" | "deny" | "oracle";
  readonly predicted: "allow" | "deny" | "invalid";
  readonly to: Target;
  readonly port: number | string;
  /** For an external: whether a netproof server answered there. */
  readonly served: boolean;
}

/**
 * What a cell comes to on a CNI that denies exactly what the oracle denies
 * (`conformant`) or enforces nothing (`unenforced`, flannel: exactly the
 * predicted denials are CNI mismatches). Where the scenario disagrees with
 * itself it is the scenario's mistake; an unserved external, or coredns's
 * metrics port on the lab, proves nothing.
 */
export function expectedVerdict(f: CellFacts, cni: "conformant" | "unenforced", options: { dnsMetricsEnforced?: boolean } = {}): LiveVerdict["kind"] {
  const agrees = f.predicted !== "invalid" && (f.declared === "oracle" || f.declared === f.predicted);
  if (!agrees) return "expectation-mismatch";
  const unservedExternal = f.to.kind === "external" && !f.served;
  const dnsMetrics = f.to.kind === "workload" && f.to.workload === "kube-system/coredns" && f.port !== 53;
  // The API stand-in's coredns declares port 53 only, so its enforcer never drops the metrics port: refused, whatever the policy.
  const dnsMetricsOpen = dnsMetrics && (f.predicted === "allow" || options.dnsMetricsEnforced === false);
  if (cni === "conformant") return unservedExternal || dnsMetricsOpen ? "inconclusive" : "pass";
  if (unservedExternal || dnsMetrics) return "inconclusive";
  return f.predicted === "deny" ? "cni-mismatch" : "pass";
}

function factsOf(run: LiveRun, c: CellLiveResult): CellFacts {
  const predicted = c.predicted.kind === "invalid" ? "invalid" : c.predicted.kind === "allowed" ? "allow" : "deny";
  return { declared: c.declared, predicted, to: c.cell.to, port: c.cell.port, served: !unserved(run, c) };
}

export function conformantVerdicts(run: LiveRun): Record<string, LiveVerdict["kind"]> {
  return Object.fromEntries(cellsOf(run).map((c) => [label(c), expectedVerdict(factsOf(run, c), "conformant")]));
}

export function unenforcedVerdicts(run: LiveRun): Record<string, LiveVerdict["kind"]> {
  return Object.fromEntries(cellsOf(run).map((c) => [label(c), expectedVerdict(factsOf(run, c), "unenforced")]));
}
