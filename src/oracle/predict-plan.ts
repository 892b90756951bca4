// From a Plan phase to the oracle and back: one prediction per cell.

import { isNetworkPolicyV1, type NetworkPolicy } from "../kube/network-policy.ts";
import { readNetworkPolicy } from "../kube/network-policy-validation.ts";
import type { Protocol } from "../kube/protocol.ts";
import type { Cell, Phase, Plan, PlannedManifest } from "../scenario/plan.ts";
import { renderManifest } from "../scenario/render.ts";
import { createOracle } from "./oracle.ts";
import type { OracleModel, OracleQuery, Prediction } from "./types.ts";

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
  const oracle = createOracle(phaseModel(phase, ips));
  const predictions = new Map<string, Prediction>();
  for (const cell of phase.cells) predictions.set(cell.key, oracle.predict(cellQuery(plan, cell)));
  return predictions;
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
