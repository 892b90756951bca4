// For a direction the oracle denied: the rules of the isolating policies that
// came closest, and what each lacked. A rule is close when one half of it
// holds: its ports admit the traffic but no peer matches (each peer then says
// what it lacks), or a peer matches but its ports do not. Rules where neither
// half holds are far, and not listed. Works on the raw model (only denied
// cells ask, so it is off the oracle's hot path) with the oracle's own
// matchers, so it cannot disagree with a prediction.
import { addressKey, parseIp, type Address } from "../kube/cidr.ts";
import { labelValue, type Labels } from "../kube/labels.ts";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../kube/network-policy.ts";
import type { Protocol } from "../kube/protocol.ts";
import { matchesSelector, type LabelSelector, type LabelSelectorRequirement } from "../kube/selector.ts";
import { effectivePolicyTypes, policyId } from "./compile.ts";
import { compileIpBlock, inIpBlock } from "./ip-block.ts";
import { compilePort, namedPorts, portMatches, type NamedPorts } from "./ports.ts";
import type { OracleModel, OraclePod, OracleQuery, RuleRef } from "./types.ts";

export type NearMiss =
  /** A peer matched, the ports did not: `allows` lists the rule's ports, e.g. `5433/TCP`. */
  | { readonly kind: "port"; readonly ref: RuleRef; readonly allows: readonly string[]; readonly wanted: string }
  /** The ports matched, this peer did not. */
  | { readonly kind: "peer"; readonly ref: RuleRef; readonly lacks: PeerLack };

export type PeerLack =
  | { readonly kind: "namespace-labels"; readonly namespace: string; readonly needs: readonly string[]; readonly matchesNone: boolean }
  | { readonly kind: "pod-labels"; readonly pod: string; readonly needs: readonly string[]; readonly matchesNone: boolean }
  /** No namespaceSelector: the peer selects pods of the policy's own namespace only. */
  | { readonly kind: "namespace"; readonly policyNamespace: string; readonly pod: string }
  | { readonly kind: "ip-block"; readonly address: string; readonly cidr: string; readonly excepted: boolean }
  /** A selector peer and an address outside the cluster. */
  | { readonly kind: "outside-cluster"; readonly address: string };

export interface DirectionMisses {
  readonly egress: readonly NearMiss[];
  readonly ingress: readonly NearMiss[];
}

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function nearMisses(model: OracleModel, query: OracleQuery): DirectionMisses {
  const setup = prepare(model, query);
  if (!setup) return { egress: [], ingress: [] };
  const { context, source, target, other } = setup;
  return {
    egress: direction(context, "Egress", source, other),
    ingress: target ? direction(context, "Ingress", target, { pod: source }) : [],
  };
}

interface Context {
  readonly model: OracleModel;
  readonly protocol: Protocol;
  readonly port: number;
  readonly targetNamed: NamedPorts | undefined;
}

type Other = { readonly pod: OraclePod } | { readonly address: string };

/** How one rule of an isolating policy fares against the traffic. */
interface RuleFit {
  readonly ref: RuleRef;
  readonly portsOk: boolean;
  readonly ports: readonly NetworkPolicyPort[] | undefined;
  /** One per peer: undefined where the peer matches. Empty: the rule has no peers (matches every peer). */
  readonly lacks: ReadonlyArray<PeerLack | undefined>;
}

function fits(c: Context, type: "Ingress" | "Egress", subject: OraclePod, other: Other): RuleFit[] {
  const out: RuleFit[] = [];
  const policies = [...c.model.policies].sort((a, b) => policyId(a).localeCompare(policyId(b)));
  for (const policy of policies) {
    if (policy.metadata.namespace !== subject.namespace || !matchesSelector(policy.spec.podSelector, subject.labels)) continue;
    if (!effectivePolicyTypes(policy).has(type)) continue;
    const rules = type === "Ingress" ? (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    rules.forEach((rule, r) => {
      out.push({
        ref: { policy: policyId(policy), rule: r },
        portsOk: portsAdmit(c, rule.ports),
        ports: rule.ports,
        lacks: (rule.peers ?? []).map((peer) => peerLack(c, policy, peer, other)),
      });
    });
  }
  return out;
}

function direction(c: Context, type: "Ingress" | "Egress", subject: OraclePod, other: Other): NearMiss[] {
  const misses: NearMiss[] = [];
  for (const fit of fits(c, type, subject, other)) {
    const peerOk = fit.lacks.length === 0 || fit.lacks.some((l) => l === undefined);
    if (peerOk && !fit.portsOk) {
      misses.push({ kind: "port", ref: fit.ref, allows: (fit.ports ?? []).map(portText), wanted: `${c.port}/${c.protocol}` });
    } else if (fit.portsOk && !peerOk) {
      fit.lacks.forEach((lack, p) => {
        if (lack) misses.push({ kind: "peer", ref: { ...fit.ref, peer: p }, lacks: lack });
      });
    }
  }
  return misses;
}

export interface DirectionAdmits {
  /** Every rule (and peer) of the policies isolating the source's egress that admits the traffic. */
  readonly egress: readonly RuleRef[];
  readonly ingress: readonly RuleRef[];
}

/** For rule coverage: every rule and peer that admits the traffic in its direction, not only the first. */
export function admittingRules(model: OracleModel, query: OracleQuery): DirectionAdmits {
  const setup = prepare(model, query);
  if (!setup) return { egress: [], ingress: [] };
  const { context, source, target, other } = setup;
  const admits = (list: RuleFit[]) =>
    list.flatMap((f): RuleRef[] => {
      if (!f.portsOk) return [];
      if (f.lacks.length === 0) return [f.ref];
      return f.lacks.flatMap((l, p) => (l === undefined ? [{ ...f.ref, peer: p }] : []));
    });
  return {
    egress: admits(fits(context, "Egress", source, other)),
    ingress: target ? admits(fits(context, "Ingress", target, { pod: source })) : [],
  };
}

function prepare(model: OracleModel, query: OracleQuery) {
  const source = model.pods.find((p) => p.id === query.from);
  if (!source) return undefined;
  const target = "pod" in query.to ? model.pods.find((p) => "pod" in query.to && p.id === query.to.pod) : byAddress(model, query.to.ip);
  const targetNamed = target ? namedPorts(target.ports) : undefined;
  const port = typeof query.port === "number" ? query.port : targetNamed?.get(query.protocol)?.get(query.port);
  if (port === undefined) return undefined;
  const context: Context = { model, protocol: query.protocol, port, targetNamed };
  const targetAddress = "ip" in query.to ? query.to.ip : target?.ip ?? "";
  const other: Other = target ? { pod: target } : { address: targetAddress };
  return { context, source, target, other };
}

function portsAdmit(c: Context, ports: readonly NetworkPolicyPort[] | undefined): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => portMatches(compilePort(p), c.protocol, c.port, c.targetNamed));
}

function portText(p: NetworkPolicyPort): string {
  const protocol = p.protocol ?? "TCP";
  if (p.port === undefined) return `every ${protocol} port`;
  return `${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ""}/${protocol}`;
}

/** Undefined when the peer matches the other end. */
function peerLack(c: Context, policy: NetworkPolicy, peer: NetworkPolicyPeer, other: Other): PeerLack | undefined {
  if (peer.ipBlock) {
    const block = compileIpBlock(peer.ipBlock);
    const text = "pod" in other ? other.pod.ip : other.address;
    const address = parseIp(text);
    if (address !== undefined && inIpBlock(address, block)) return undefined;
    const inCidr = address !== undefined && inIpBlock(address, { cidr: block.cidr, except: [] });
    return { kind: "ip-block", address: text, cidr: peer.ipBlock.cidr, excepted: inCidr };
  }
  if (!("pod" in other)) return { kind: "outside-cluster", address: other.address };
  const pod = other.pod;
  if (peer.namespaceSelector) {
    const labels = namespaceLabels(c.model, pod.namespace);
    if (!matchesSelector(peer.namespaceSelector, labels)) {
      const matchesNone = !allNamespaces(c.model).some((ns) => matchesSelector(peer.namespaceSelector!, namespaceLabels(c.model, ns)));
      return { kind: "namespace-labels", namespace: pod.namespace, needs: unmet(peer.namespaceSelector, labels), matchesNone };
    }
  } else if (pod.namespace !== policy.metadata.namespace) {
    return { kind: "namespace", policyNamespace: policy.metadata.namespace, pod: pod.id };
  }
  if (peer.podSelector && !matchesSelector(peer.podSelector, pod.labels)) {
    const matchesNone = !c.model.pods.some((p) => matchesSelector(peer.podSelector!, p.labels));
    return { kind: "pod-labels", pod: pod.id, needs: unmet(peer.podSelector, pod.labels), matchesNone };
  }
  return undefined;
}

/** The selector's requirements these labels fail, as `key=value` or `key In (a, b)`. */
function unmet(selector: LabelSelector, labels: Labels): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labelValue(labels, key) !== value) out.push(`${key}=${value}`);
  for (const r of selector.matchExpressions ?? []) if (!matchesSelector({ matchExpressions: [r] }, labels)) out.push(requirementText(r));
  return out;
}

function requirementText(r: LabelSelectorRequirement): string {
  switch (r.operator) {
    case "In":
    case "NotIn":
      return `${r.key} ${r.operator} (${(r.values ?? []).join(", ")})`;
    case "Exists":
      return `${r.key} present`;
    case "DoesNotExist":
      return `${r.key} absent`;
  }
}

function namespaceLabels(model: OracleModel, name: string): Labels {
  return model.namespaces.find((n) => n.name === name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
}

function allNamespaces(model: OracleModel): string[] {
  return [...new Set([...model.namespaces.map((n) => n.name), ...model.pods.map((p) => p.namespace)])];
}

function byAddress(model: OracleModel, ip: string): OraclePod | undefined {
  const address: Address | undefined = parseIp(ip);
  if (address === undefined) return undefined;
  const key = addressKey(address);
  return model.pods.find((p) => {
    const a = parseIp(p.ip);
    return a !== undefined && addressKey(a) === key;
  });
}
