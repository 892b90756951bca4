// The model of the upstream NetworkPolicy e2e suite
// (kubernetes test/e2e/network/netpol): namespaces x, y, z; pods a, b, c in
// each; every pod serves 80 and 81 over TCP, UDP and SCTP with named ports
// "serve-80-tcp" etc. Plus its Reachability helper, so cases read like theirs.

import { expect } from "chai";
import type { Labels } from "../../src/kube/labels.ts";
import type { Protocol } from "../../src/kube/protocol.ts";
import type { ServedPort } from "../../src/kube/ports.ts";
import { createOracle } from "../../src/oracle/oracle.ts";
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule } from "../../src/kube/network-policy.ts";
import type { LabelSelector } from "../../src/kube/selector.ts";
import type { OracleModel } from "../../src/oracle/types.ts";

export const NAMESPACES = ["x", "y", "z"] as const;
export const POD_NAMES = ["a", "b", "c"] as const;
export const ALL_PODS: readonly string[] = NAMESPACES.flatMap((ns) => POD_NAMES.map((p) => `${ns}/${p}`));

const SERVED: readonly ServedPort[] = [80, 81].flatMap((port) =>
  (["TCP", "UDP", "SCTP"] as const).map((protocol) => ({ port, protocol, name: `serve-${port}-${protocol.toLowerCase()}` })),
);

/** x/a = 10.42.1.10, x/b = 10.42.1.11, y/a = 10.42.2.10, ... */
export function podIp(pod: string): string {
  const [ns, name] = pod.split("/") as [string, string];
  return `10.42.${NAMESPACES.indexOf(ns as "x") + 1}.${10 + POD_NAMES.indexOf(name as "a")}`;
}

export interface ModelChanges {
  /** Extra namespace labels, by namespace. */
  readonly namespaceLabels?: Readonly<Record<string, Labels>>;
  /** Extra pod labels, by pod id. */
  readonly podLabels?: Readonly<Record<string, Labels>>;
}

export function upstreamModel(policies: readonly NetworkPolicy[], changes: ModelChanges = {}): OracleModel {
  return {
    namespaces: NAMESPACES.map((name) => ({
      name,
      labels: { "kubernetes.io/metadata.name": name, ns: name, ...changes.namespaceLabels?.[name] },
    })),
    pods: ALL_PODS.map((id) => {
      const [namespace, name] = id.split("/") as [string, string];
      return { id, namespace, labels: { pod: name, ...changes.podLabels?.[id] }, ip: podIp(id), ports: SERVED };
    }),
    policies,
  };
}

/**
 * Like upstream's GenNetworkPolicyWithNameAndPodSelector + SetSpecIngressRules /
 * SetSpecEgressRules: each direction given is also listed in policyTypes.
 */
export function netpol(
  namespace: string,
  name: string,
  podSelector: LabelSelector,
  rules: { readonly ingress?: readonly NetworkPolicyIngressRule[]; readonly egress?: readonly NetworkPolicyEgressRule[] },
): NetworkPolicy {
  const policyTypes: ("Ingress" | "Egress")[] = [];
  if (rules.ingress !== undefined) policyTypes.push("Ingress");
  if (rules.egress !== undefined) policyTypes.push("Egress");
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { namespace, name },
    spec: { podSelector, policyTypes, ...rules },
  };
}

export function nsLabel(ns: string): LabelSelector {
  return { matchLabels: { "kubernetes.io/metadata.name": ns } };
}

/** Empty fields match anything. */
export interface Peer {
  readonly namespace?: string;
  readonly pod?: string;
}

/** Upstream's Reachability: an expected truth table over ALL_PODS. */
export class Reachability {
  private readonly table = new Map<string, boolean>();

  constructor(allowed = true) {
    for (const from of ALL_PODS) for (const to of ALL_PODS) this.table.set(key(from, to), allowed);
  }

  expect(from: string, to: string, allowed: boolean): this {
    this.table.set(key(from, to), allowed);
    return this;
  }

  expectPeer(from: Peer, to: Peer, allowed: boolean): this {
    for (const f of ALL_PODS) for (const t of ALL_PODS) if (matchesPeer(from, f) && matchesPeer(to, t)) this.expect(f, t, allowed);
    return this;
  }

  expectAllIngress(pod: string, allowed: boolean): this {
    return this.expectPeer({}, podPeer(pod), allowed);
  }

  expectAllEgress(pod: string, allowed: boolean): this {
    return this.expectPeer(podPeer(pod), {}, allowed);
  }

  get(from: string, to: string): boolean {
    return this.table.get(key(from, to)) === true;
  }
}

/**
 * Asserts the oracle's truth table for port/protocol equals the expected one,
 * ignoring each pod's traffic to itself as upstream does. On failure prints
 * both tables (`.` allowed, `X` denied) and the wrong cells.
 */
export function expectReachability(
  model: OracleModel,
  probe: { readonly port: number | string; readonly protocol: Protocol },
  expected: Reachability,
): void {
  const oracle = createOracle(model);
  const observed = new Reachability(false);
  const wrong: string[] = [];
  for (const from of ALL_PODS) {
    for (const to of ALL_PODS) {
      if (from === to) continue;
      const prediction = oracle.predict({ from, to: { pod: to }, port: probe.port, protocol: probe.protocol });
      expect(prediction.kind, `${from} -> ${to}`).to.not.equal("invalid");
      const allowed = prediction.kind === "allowed";
      observed.expect(from, to, allowed);
      if (allowed !== expected.get(from, to)) wrong.push(`${from} -> ${to}: expected ${expected.get(from, to) ? "allowed" : "denied"}, predicted ${prediction.kind}`);
    }
  }
  expect(wrong, `expected:\n${render(expected)}\npredicted:\n${render(observed)}`).to.deep.equal([]);
}

function render(table: Reachability): string {
  const head = ["-", ...ALL_PODS].join("\t");
  const rows = ALL_PODS.map((from) =>
    [from, ...ALL_PODS.map((to) => (from === to ? "-" : table.get(from, to) ? "." : "X"))].join("\t"),
  );
  return [head, ...rows].join("\n");
}

function podPeer(pod: string): Peer {
  const [namespace, name] = pod.split("/") as [string, string];
  return { namespace, pod: name };
}

function matchesPeer(peer: Peer, pod: string): boolean {
  const [namespace, name] = pod.split("/") as [string, string];
  return (peer.namespace === undefined || peer.namespace === namespace) && (peer.pod === undefined || peer.pod === name);
}

function key(from: string, to: string): string {
  return `${from}>${to}`;
}
