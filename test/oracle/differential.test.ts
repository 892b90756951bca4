// The compiled oracle against a naive evaluator written straight from the
// specification, on the bench's generated cluster (every selector form,
// ipBlocks with except, named ports, endPort, mixed policyTypes). The naive
// one re-reads the policies for every question: slow, but hard to get wrong
// in the ways precomputation can be.

import { expect } from "chai";
import { describe, it } from "mocha";
import ipaddr from "ipaddr.js";
import { createOracle } from "../../src/oracle/oracle.ts";
import { matchesSelector } from "../../src/kube/selector.ts";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../../src/kube/network-policy.ts";
import type { OracleModel, OraclePod } from "../../src/oracle/types.ts";
import type { Protocol } from "../../src/kube/protocol.ts";
import { generateCluster } from "../bench/oracle.ts";

type Dir = "Ingress" | "Egress";

function types(p: NetworkPolicy): Dir[] {
  if (p.spec.policyTypes !== undefined && p.spec.policyTypes.length > 0) return [...p.spec.policyTypes];
  return (p.spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

function inBlock(ip: string, cidr: string): boolean {
  const address = ipaddr.parse(ip);
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return address.kind() === network.kind() && address.match(network, bits);
}

function peerMatches(model: OracleModel, policy: NetworkPolicy, peer: NetworkPolicyPeer, other: OraclePod | string): boolean {
  const ip = typeof other === "string" ? other : other.ip;
  if (peer.ipBlock !== undefined) {
    return inBlock(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e) => inBlock(ip, e));
  }
  if (typeof other === "string") return false;
  const nsLabels = model.namespaces.find((n) => n.name === other.namespace)?.labels ?? {};
  const nsOk = peer.namespaceSelector === undefined ? other.namespace === policy.metadata.namespace : matchesSelector(peer.namespaceSelector, nsLabels);
  return nsOk && matchesSelector(peer.podSelector ?? {}, other.labels);
}

function portOk(entry: NetworkPolicyPort, protocol: Protocol, port: number, target: OraclePod | undefined): boolean {
  if ((entry.protocol ?? "TCP") !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === "string") {
    return target?.ports.some((p) => p.name === entry.port && p.protocol === protocol && p.port === port) === true;
  }
  return port >= entry.port && port <= (entry.endPort ?? entry.port);
}

function directionAllows(model: OracleModel, pod: OraclePod, dir: Dir, other: OraclePod | string, protocol: Protocol, port: number, target: OraclePod | undefined): boolean {
  const selecting = model.policies.filter(
    (p) => p.metadata.namespace === pod.namespace && types(p).includes(dir) && matchesSelector(p.spec.podSelector, pod.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (dir === "Ingress" ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))).some(
      (rule) =>
        (rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((e) => portOk(e, protocol, port, target))) &&
        (rule.peers === undefined || rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(model, p, peer, other))),
    ),
  );
}

function naive(model: OracleModel, from: OraclePod, to: OraclePod | string, protocol: Protocol, port: number): boolean {
  const target = typeof to === "string" ? undefined : to;
  const egress = directionAllows(model, from, "Egress", to, protocol, port, target);
  const ingress = target === undefined || directionAllows(model, target, "Ingress", from, protocol, port, target);
  return egress && ingress;
}

describe("oracle: compiled oracle agrees with a naive reading of the spec", () => {
  it("on every cell of a generated 125-pod cluster with 200 policies", () => {
    const model = generateCluster(5);
    const oracle = createOracle(model);
    const externals = ["10.42.3.12", "10.42.99.1", "192.0.2.1"];
    const probes: [Protocol, number][] = [["TCP", 80], ["TCP", 9090], ["TCP", 9100], ["TCP", 9096], ["UDP", 53], ["TCP", 53]];
    let checked = 0;
    let allowed = 0;
    const wrong: string[] = [];
    for (const from of model.pods) {
      const targets: (OraclePod | string)[] = [...model.pods, ...externals];
      for (const to of targets) {
        for (const [protocol, port] of probes) {
          const got = oracle.predict({ from: from.id, to: typeof to === "string" ? { ip: to } : { pod: to.id }, port, protocol });
          const want = naive(model, from, typeof to === "string" ? (model.pods.find((p) => p.ip === to) ?? to) : to, protocol, port);
          checked++;
          if (want) allowed++;
          if ((got.kind === "allowed") !== want && wrong.length < 10) wrong.push(`${from.id} -> ${typeof to === "string" ? to : to.id}:${port}/${protocol}: oracle ${got.kind}`);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
    // The generated cluster must exercise both answers, or the comparison proves little.
    expect(allowed).to.be.within(checked * 0.1, checked * 0.9);
  });
});
