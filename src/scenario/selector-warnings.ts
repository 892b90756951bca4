// Warnings for NetworkPolicy selectors that select nothing in the scenario:
// almost always a forgotten label, and the policy then silently does nothing
// (or, for a peer, allows nothing).

import { labelValue, type Labels } from "../kube/labels.ts";
import type { NetworkPolicy, NetworkPolicyPeer } from "../kube/network-policy.ts";
import { matchesSelector as matches, type LabelSelector } from "../kube/selector.ts";
import type { PlannedNamespace, PlannedWorkload, ScenarioWarning } from "./plan.ts";
import { formatPath, type Locator, type Path } from "./yaml-source.ts";

export interface SelectorScope {
  readonly namespaces: readonly PlannedNamespace[];
  readonly workloads: readonly PlannedWorkload[];
}

export function selectorWarnings(policy: NetworkPolicy, locate: Locator, fieldPrefix: Path, scope: SelectorScope): ScenarioWarning[] {
  const warnings: ScenarioWarning[] = [];
  const warn = (path: Path, message: string): void => {
    warnings.push({ at: locate.at(path), field: formatPath([...fieldPrefix, ...path]), message });
  };
  const ns = policy.metadata.namespace;
  const podsIn = (namespaces: readonly string[]): PlannedWorkload[] => scope.workloads.filter((w) => namespaces.includes(w.namespace));

  const own = podsIn([ns]);
  if (own.length > 0 && !own.some((w) => matches(policy.spec.podSelector, w.labels))) {
    warn(["spec", "podSelector"], `podSelector matches no workload in namespace ${ns}: ${why(policy.spec.podSelector, own.map((w) => w.labels), "workload")}`);
  }
  const peers = (rules: readonly { readonly from?: readonly NetworkPolicyPeer[]; readonly to?: readonly NetworkPolicyPeer[] }[] | undefined, direction: "ingress" | "egress", side: "from" | "to"): void => {
    (rules ?? []).forEach((rule, r) => {
      (rule[side] ?? []).forEach((peer, p) => {
        const base: Path = ["spec", direction, r, side, p];
        checkPeer(peer, base);
      });
    });
  };
  const checkPeer = (peer: NetworkPolicyPeer, base: Path): void => {
    let namespaces = [ns];
    if (peer.namespaceSelector) {
      const selected = scope.namespaces.filter((n) => matches(peer.namespaceSelector ?? {}, n.labels));
      if (selected.length === 0) {
        warn([...base, "namespaceSelector"], `namespaceSelector matches no namespace: ${why(peer.namespaceSelector, scope.namespaces.map((n) => n.labels), "namespace")}`);
        return;
      }
      namespaces = selected.map((n) => n.name);
    }
    if (peer.podSelector) {
      const candidates = podsIn(namespaces);
      if (!candidates.some((w) => matches(peer.podSelector ?? {}, w.labels))) {
        const where = peer.namespaceSelector ? "the selected namespaces" : `namespace ${ns}`;
        warn([...base, "podSelector"], `podSelector matches no workload in ${where}: ${why(peer.podSelector, candidates.map((w) => w.labels), "workload")}`);
      }
    }
  };
  peers(policy.spec.ingress, "ingress", "from");
  peers(policy.spec.egress, "egress", "to");
  return warnings;
}

/** The first matchLabels pair nobody has, the usual cause; otherwise a generic reason. */
function why(selector: LabelSelector, candidates: readonly Labels[], noun: "namespace" | "workload"): string {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!candidates.some((labels) => labelValue(labels, key) === value)) {
      return `no ${noun} has label ${key}=${value} (did you forget to label the ${noun}?)`;
    }
  }
  return `no ${noun} has labels satisfying all of its requirements`;
}
