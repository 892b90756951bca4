// From a Plan phase to the oracle and back: one prediction per cell.

import { isNetworkPolicyV1, type NetworkPolicy } from "../kube/network-policy.ts";
import { readNetworkPolicy } from "../kube/network-policy-validation.ts";
import type { Protocol } from "../kube/protocol.ts";
import type { Cell, Phase, Plan, PlannedManifest } from "../scenario/plan.ts";
import { renderManifest } from "../scenario/render.ts";
import { createOracle } from "./oracle.ts";
import { admittingRules, nearMisses, type DirectionMisses } from "./near-miss.ts";
import { effectivePolicyTypes, policyId } from "./compile.ts";
import type { DirectionDecision, OracleModel, OracleQuery, Prediction, RuleRef } from "./types.ts";

/** Where kubectl puts a namespaced object that names no namespace. */
const DEFAULT_NAMESPACE = "default";
const DNS_PORT = 53;

/**
 * Predictions for every cell of the phase, keyed by Cell.key. `ips` are the
 * pod IPs by workload id: plan.plannedIps in plan mode, the live ones later.
 * Only networking.k8s.io/v1 NetworkPolicy manifests count; the scenario
 * stage warns about every other document (src/kube/manifest-kinds.ts).
 */
export function predictPhase(
  plan: Plan,
  phase: Phase,
  ips: Readonly<Record<string, string>>,
): ReadonlyMap<string, Prediction> {
  const predictions = predictCells(plan, phase, ips);
  return new Map(phase.cells.map((cell, i) => [cell.key, predictions[i] as Prediction]));
}

/**
 * Predictions in the order of phase.cells (predictions[i] is for cells[i]):
 * for a million cells, an array beside the cells costs a fraction of a map
 * keyed by cell key.
 */
export function predictCells(plan: Plan, phase: Phase, ips: Readonly<Record<string, string>>): Prediction[] {
  const oracle = createOracle(phaseModel(phase, ips));
  const predictions = new Array<Prediction>(phase.cells.length);
  const cells = phase.cells;
  const shared = new SharedPredictions();
  for (let i = 0; i < cells.length; i++) predictions[i] = shared.intern(oracle.predict(cellQuery(plan, cells[i] as Cell)));
  return predictions;
}

/** The near misses of the cells with these keys (the denied ones, say), keyed by Cell.key. */
export function nearMissesOfPhase(
  plan: Plan,
  phase: Phase,
  ips: Readonly<Record<string, string>>,
  keys: ReadonlySet<string>,
): ReadonlyMap<string, DirectionMisses> {
  const model = phaseModel(phase, ips);
  const out = new Map<string, DirectionMisses>();
  for (const cell of phase.cells) if (keys.has(cell.key)) out.set(cell.key, nearMisses(model, cellQuery(plan, cell)));
  return out;
}

/** One rule, or one peer of a rule, of a phase's policies. */
export interface RuleSlot {
  readonly policy: string;
  readonly direction: "ingress" | "egress";
  readonly rule: number;
  /** Absent for a rule without peers (it matches every peer). */
  readonly peer?: number;
}

/**
 * Rule coverage of a phase: every rule and peer of its policies (in the
 * directions they isolate), each with the keys of the cells it admits in its
 * direction.
 */
export function ruleCoverageOfPhase(plan: Plan, phase: Phase, ips: Readonly<Record<string, string>>): Array<{ slot: RuleSlot; cells: string[] }> {
  const model = phaseModel(phase, ips);
  const slots = new Map<string, { slot: RuleSlot; cells: string[] }>();
  const id = (s: RuleSlot) => `${s.policy}\u0000${s.direction}\u0000${s.rule}\u0000${s.peer ?? ""}`;
  for (const policy of model.policies) {
    const types = effectivePolicyTypes(policy);
    for (const [direction, rules] of [["ingress", types.has("Ingress") ? (policy.spec.ingress ?? []).map((r) => r.from) : []], ["egress", types.has("Egress") ? (policy.spec.egress ?? []).map((r) => r.to) : []]] as const) {
      rules.forEach((peers, rule) => {
        const base = { policy: policyId(policy), direction, rule };
        if (!peers || peers.length === 0) slots.set(id(base), { slot: base, cells: [] });
        else peers.forEach((_, peer) => slots.set(id({ ...base, peer }), { slot: { ...base, peer }, cells: [] }));
      });
    }
  }
  for (const cell of phase.cells) {
    const admits = admittingRules(model, cellQuery(plan, cell));
    for (const [direction, refs] of [["egress", admits.egress], ["ingress", admits.ingress]] as const) {
      for (const ref of refs) slots.get(id({ policy: ref.policy, direction, rule: ref.rule, ...(ref.peer === undefined ? {} : { peer: ref.peer }) }))?.cells.push(cell.key);
    }
  }
  return [...slots.values()];
}

/** The oracle's view of a phase. */
export function phaseModel(phase: Phase, ips: Readonly<Record<string, string>>): OracleModel {
  return {
    namespaces: phase.namespaces.map((ns) => ({ name: ns.name, labels: ns.labels })),
    pods: phase.workloads.map((w) => ({
      id: w.id,
      namespace: w.namespace,
      labels: w.labels,
      ip: Object.hasOwn(ips, w.id) ? (ips[w.id] ?? "") : "",
      ports: w.ports,
    })),
    policies: phase.manifests.filter((m) => isNetworkPolicyV1(m.object)).map((m) => asNetworkPolicy(m, ips)),
  };
}

/** The question a cell asks, as the oracle understands it. */
export function cellQuery(plan: Plan, cell: Cell): OracleQuery {
  const protocol = cellProtocol(cell);
  switch (cell.to.kind) {
    case "workload":
      return { from: cell.from, to: { pod: cell.to.workload }, port: cell.port, protocol };
    // NetworkPolicy applies after the Service's DNAT: the packet the policy
    // sees goes to the pod, on the same port (the plan's Services mirror them).
    case "service":
      return { from: cell.from, to: { pod: cell.to.workload }, port: cell.port, protocol };
    case "external":
      return { from: cell.from, to: { ip: cell.to.address }, port: cell.port, protocol };
    case "dns":
      return { from: cell.from, to: { pod: plan.clusterDns }, port: DNS_PORT, protocol: "UDP" };
  }
}

function cellProtocol(cell: Cell): Protocol {
  switch (cell.kind) {
    case "http":
      return "TCP";
    case "dns":
      return "UDP";
    case "tcp":
    case "udp":
    case "sctp":
      return cell.protocol;
  }
}

// The scenario stage has validated it; reading applies the API server's
// defaults (the default namespace, TCP). Pod-IP templates are rendered with
// the IPs of this run (planned or live).
function asNetworkPolicy(manifest: PlannedManifest, ips: Readonly<Record<string, string>>): NetworkPolicy {
  return readNetworkPolicy(renderManifest(manifest.object, ips), DEFAULT_NAMESPACE);
}

/**
 * One object for equal predictions: a million cells come down to a few
 * thousand distinct answers, and keeping a million copies costs hundreds of
 * megabytes. The oracle shares the policy list of a pod's isolation and the
 * reference of a rule, so equal decisions are found by those before content.
 */
class SharedPredictions {
  private readonly decisions = new Map<string, DirectionDecision>();
  private readonly byParts = new Map<readonly string[] | DirectionDecision, Map<RuleRef | undefined, DirectionDecision>>();
  private readonly predictions = new Map<DirectionDecision, Map<DirectionDecision, Prediction[]>>();

  intern(p: Prediction): Prediction {
    if (p.kind === "invalid") return p;
    const egress = this.decision(p.egress);
    const ingress = this.decision(p.ingress);
    let byIngress = this.predictions.get(egress);
    if (!byIngress) {
      byIngress = new Map();
      this.predictions.set(egress, byIngress);
    }
    let pair = byIngress.get(ingress);
    if (!pair) {
      pair = [];
      byIngress.set(ingress, pair);
    }
    const found = pair.find((q) => q.kind === p.kind);
    if (found) return found;
    const made: Prediction = egress === p.egress && ingress === p.ingress ? p : { kind: p.kind, egress, ingress };
    pair.push(made);
    return made;
  }

  private decision(d: DirectionDecision): DirectionDecision {
    const part = d.kind === "allowed" || d.kind === "denied" ? d.isolatedBy : d;
    const ref = d.kind === "allowed" ? d.allowedBy : undefined;
    let byRef = this.byParts.get(part);
    if (!byRef) {
      byRef = new Map();
      this.byParts.set(part, byRef);
    }
    let found = byRef.get(ref);
    if (!found) {
      const content = JSON.stringify(d);
      found = this.decisions.get(content) ?? d;
      this.decisions.set(content, found);
      byRef.set(ref, found);
    }
    return found;
  }
}

