// Turns an OracleModel into lookup tables, once, so that each query is a few
// array reads: for every pod, the rules of the policies that isolate it (in
// explanation order), and for every rule peer, the set of pods it matches.

import { addressKey, parseIp, type Address } from "../kube/cidr.ts";
import type { Labels } from "../kube/labels.ts";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyType } from "../kube/network-policy.ts";
import { compileSelector } from "../kube/selector.ts";
import { compileIpBlock, inIpBlock, type CompiledIpBlock } from "./ip-block.ts";
import { compilePort, namedPorts } from "./ports.ts";
import type { CompiledPort, NamedPorts } from "./ports.ts";
import type { DirectionDecision, OracleModel, RuleRef } from "./types.ts";

export type Direction = PolicyType;

export interface CompiledPod {
  readonly id: string;
  readonly namespace: string;
  /** Undefined while a live pod has no IP yet: only ipBlock peers care. */
  readonly address: Address | undefined;
  readonly named: NamedPorts;
}

export interface CompiledPeer {
  /** pods[i] === 1 when pod i matches, ipBlock peers included (by pod IP). */
  readonly pods: Uint8Array;
  /** Set for ipBlock peers, to match addresses outside the model. */
  readonly block: CompiledIpBlock | undefined;
  readonly ref: RuleRef;
}

export interface CompiledRule {
  /** Undefined: every port. */
  readonly ports: readonly CompiledPort[] | undefined;
  /** Undefined: every peer (the rule has no from/to, or an empty one). */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** The reference reported when `peers` is undefined. */
  readonly ref: RuleRef;
}

/** What one direction of one pod is subject to. */
export interface Isolation {
  /** Rules of every selecting policy, by policy id, then rule index. Empty when not isolated. */
  readonly rules: readonly CompiledRule[];
  /** The answer when no rule allows; also carries `isolatedBy`. */
  readonly denied: DirectionDecision & { readonly kind: "denied" } | undefined;
}

export interface CompiledModel {
  readonly pods: readonly CompiledPod[];
  readonly podIndex: ReadonlyMap<string, number>;
  /** By addressKey(pod IP); a query to a pod's IP is a query to that pod. */
  readonly podByAddress: ReadonlyMap<string, number>;
  readonly ingress: readonly Isolation[];
  readonly egress: readonly Isolation[];
}

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * The directions a policy isolates. Absent or empty policyTypes default to
 * Ingress, plus Egress when the policy has at least one egress rule: an
 * `egress: []` present but empty does not count (API server defaulting).
 */
export function effectivePolicyTypes(policy: NetworkPolicy): ReadonlySet<Direction> {
  const declared = policy.spec.policyTypes ?? [];
  if (declared.length > 0) return new Set(declared);
  return new Set<Direction>((policy.spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"]);
}

export function policyId(policy: NetworkPolicy): string {
  return `${policy.metadata.namespace}/${policy.metadata.name}`;
}

/** Throws on a policy the API server would have refused (bad CIDR, empty peer). */
export function compileModel(model: OracleModel): CompiledModel {
  const pods = model.pods.map(compilePod);
  const podIndex = new Map<string, number>();
  const podByAddress = new Map<string, number>();
  pods.forEach((pod, i) => {
    podIndex.set(pod.id, i);
    if (pod.address !== undefined) podByAddress.set(addressKey(pod.address), i);
  });

  const namespaceLabels = new Map<string, Labels>();
  for (const pod of model.pods) namespaceLabels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
  for (const ns of model.namespaces) namespaceLabels.set(ns.name, ns.labels);

  const context: Context = { model, pods, namespaceLabels };
  const ingress: CompiledRule[][] = pods.map(() => []);
  const egress: CompiledRule[][] = pods.map(() => []);
  const ingressBy: string[][] = pods.map(() => []);
  const egressBy: string[][] = pods.map(() => []);

  const sorted = [...model.policies].sort((a, b) => compareText(policyId(a), policyId(b)));
  for (const policy of sorted) {
    const id = policyId(policy);
    const selected = selectedPods(context, policy);
    if (selected.length === 0) continue;
    const types = effectivePolicyTypes(policy);
    if (types.has("Ingress")) {
      const rules = (policy.spec.ingress ?? []).map((rule, r) => compileRule(context, policy, id, r, rule.from, rule.ports));
      for (const i of selected) {
        (ingress[i] as CompiledRule[]).push(...rules);
        (ingressBy[i] as string[]).push(id);
      }
    }
    if (types.has("Egress")) {
      const rules = (policy.spec.egress ?? []).map((rule, r) => compileRule(context, policy, id, r, rule.to, rule.ports));
      for (const i of selected) {
        (egress[i] as CompiledRule[]).push(...rules);
        (egressBy[i] as string[]).push(id);
      }
    }
  }

  return {
    pods,
    podIndex,
    podByAddress,
    ingress: pods.map((_, i) => isolation(ingress[i] ?? [], ingressBy[i] ?? [])),
    egress: pods.map((_, i) => isolation(egress[i] ?? [], egressBy[i] ?? [])),
  };
}

interface Context {
  readonly model: OracleModel;
  readonly pods: readonly CompiledPod[];
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
}

function compilePod(pod: OracleModel["pods"][number]): CompiledPod {
  return { id: pod.id, namespace: pod.namespace, address: parseIp(pod.ip), named: namedPorts(pod.ports) };
}

function isolation(rules: readonly CompiledRule[], isolatedBy: readonly string[]): Isolation {
  // Policies are visited sorted, so isolatedBy is already in order.
  return {
    rules,
    denied: isolatedBy.length === 0 ? undefined : { kind: "denied", isolatedBy },
  };
}

function selectedPods(context: Context, policy: NetworkPolicy): number[] {
  const matches = compileSelector(policy.spec.podSelector);
  const selected: number[] = [];
  context.model.pods.forEach((pod, i) => {
    if (pod.namespace === policy.metadata.namespace && matches(pod.labels)) selected.push(i);
  });
  return selected;
}

function compileRule(
  context: Context,
  policy: NetworkPolicy,
  policyName: string,
  rule: number,
  peers: readonly NetworkPolicyPeer[] | undefined,
  ports: readonly NetworkPolicyPort[] | undefined,
): CompiledRule {
  const where = `${policyName} rule ${rule}`;
  return {
    ports: ports === undefined || ports.length === 0 ? undefined : ports.map(compilePort),
    peers:
      peers === undefined || peers.length === 0
        ? undefined
        : peers.map((peer, p) => compilePeer(context, policy, peer, { policy: policyName, rule, peer: p }, `${where} peer ${p}`)),
    ref: { policy: policyName, rule },
  };
}

function compilePeer(
  context: Context,
  policy: NetworkPolicy,
  peer: NetworkPolicyPeer,
  ref: RuleRef,
  where: string,
): CompiledPeer {
  const pods = new Uint8Array(context.pods.length);
  if (peer.ipBlock !== undefined) {
    if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) {
      throw new Error(`${where}: a peer with ipBlock cannot also have a podSelector or namespaceSelector`);
    }
    let block: CompiledIpBlock;
    try {
      block = compileIpBlock(peer.ipBlock);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
    context.pods.forEach((pod, i) => {
      if (pod.address !== undefined && inIpBlock(pod.address, block)) pods[i] = 1;
    });
    return { pods, block, ref };
  }
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) {
    throw new Error(`${where}: a peer needs a podSelector, a namespaceSelector or an ipBlock`);
  }
  // podSelector alone: pods of the policy's own namespace. namespaceSelector
  // alone: every pod of the matching namespaces. Both: AND.
  const namespaceSelector = peer.namespaceSelector;
  const namespaceMatch = namespaceSelector === undefined ? undefined : compileSelector(namespaceSelector);
  const podMatch = compileSelector(peer.podSelector ?? {});
  const namespaces = new Map<string, boolean>();
  const inNamespace = (name: string): boolean => {
    let hit = namespaces.get(name);
    if (hit === undefined) {
      hit = namespaceMatch === undefined ? name === policy.metadata.namespace : namespaceMatch(context.namespaceLabels.get(name) ?? {});
      namespaces.set(name, hit);
    }
    return hit;
  };
  context.model.pods.forEach((pod, i) => {
    if (inNamespace(pod.namespace) && podMatch(pod.labels)) pods[i] = 1;
  });
  return { pods, block: undefined, ref };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
