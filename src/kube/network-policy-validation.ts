// A networking.k8s.io/v1 NetworkPolicy decoded and validated as the API server
// does on create (pkg/apis/networking/validation ValidateNetworkPolicy, with
// apimachinery's ObjectMeta and LabelSelector rules), so netproof rejects what
// `kubectl apply` would reject, with the same field path and words, and
// accepts everything it accepts. The result is the policy with defaults the
// API server applies (null = absent, protocol TCP) for the oracle.

import { isStrictSubset, parseCidr } from "./cidr.ts";
import { Decoder, type Json } from "./decode.ts";
import { fieldError, type FieldError, type FieldPath } from "./field-errors.ts";
import { isDns1123Subdomain, isLabelKey, isLabelValue, isPortName } from "./names.ts";
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyType } from "./network-policy.ts";
import { decodeObjectMeta, validateLabels } from "./object-meta.ts";
import { isPortNumber, PORT_RANGE_MESSAGE } from "./ports.ts";
import { isProtocol, PROTOCOLS } from "./protocol.ts";
import { SELECTOR_OPERATORS, type LabelSelector, type LabelSelectorRequirement, type SelectorOperator } from "./selector.ts";

const CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
const POLICY_TYPES: readonly PolicyType[] = ["Ingress", "Egress"];

export interface NetworkPolicyResult {
  /** What the API server would say: decoding errors alone, else validation errors. */
  readonly errors: readonly FieldError[];
  /**
   * Present when the object decodes (even if it does not validate), with the
   * defaults applied; `namespace` is the one written, or `defaultNamespace`.
   */
  readonly policy?: NetworkPolicy;
}

export function decodeNetworkPolicy(value: unknown, defaultNamespace = "default"): NetworkPolicyResult {
  const d = new Decoder();
  const top = d.object(value, [], ["apiVersion", "kind", "metadata", "spec"]);
  if (top === undefined) return { errors: d.decodeErrors.length > 0 ? d.decodeErrors : [fieldError.required([], "a NetworkPolicy is a mapping")] };
  const meta = decodeObjectMeta(top.metadata, ["metadata"], d, { nameRule: isDns1123Subdomain, namespaced: true });
  const spec = d.object(top.spec, ["spec"], ["podSelector", "policyTypes", "ingress", "egress"]) ?? {};
  const podSelector = selector(d, spec.podSelector, ["spec", "podSelector"]) ?? {};

  const ingress = (d.array(spec.ingress, ["spec", "ingress"]) ?? []).map((rule, i) => {
    const path: FieldPath = ["spec", "ingress", i];
    const r = d.object(rule, path, ["from", "ports"]) ?? {};
    const ports = portList(d, r.ports, [...path, "ports"]);
    const from = peerList(d, r.from, [...path, "from"]);
    return { ...(from ? { from } : {}), ...(ports ? { ports } : {}) };
  });
  const egress = (d.array(spec.egress, ["spec", "egress"]) ?? []).map((rule, i) => {
    const path: FieldPath = ["spec", "egress", i];
    const r = d.object(rule, path, ["to", "ports"]) ?? {};
    const ports = portList(d, r.ports, [...path, "ports"]);
    const to = peerList(d, r.to, [...path, "to"]);
    return { ...(to ? { to } : {}), ...(ports ? { ports } : {}) };
  });
  const policyTypes = policyTypeList(d, spec.policyTypes, ["spec", "policyTypes"]);

  if (d.decodeErrors.length > 0) return { errors: d.decodeErrors };
  const policy: NetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: meta.name ?? "", namespace: meta.namespace || defaultNamespace },
    spec: {
      podSelector,
      ...(policyTypes ? { policyTypes } : {}),
      ...(spec.ingress !== undefined && spec.ingress !== null ? { ingress } : {}),
      ...(spec.egress !== undefined && spec.egress !== null ? { egress } : {}),
    },
  };
  return { errors: d.errors, policy };
}

/**
 * The policy of a manifest checked at load time, for evaluation. Rendered with
 * other pod IPs (a live run's) it may no longer validate (an except outside
 * its cidr): it is still read, because whether it may be applied is the
 * apply's question, not the oracle's. Throws (a bug) only when it does not decode.
 */
export function readNetworkPolicy(value: unknown, defaultNamespace = "default"): NetworkPolicy {
  const result = decodeNetworkPolicy(value, defaultNamespace);
  if (result.policy === undefined) {
    const first = result.errors[0];
    throw new Error(`NetworkPolicy was not checked before use: ${first ? first.message : "it does not decode"}`);
  }
  return result.policy;
}

function selector(d: Decoder, value: unknown, path: FieldPath): LabelSelector | undefined {
  const s = d.object(value, path, ["matchLabels", "matchExpressions"]);
  if (s === undefined) return undefined;
  const matchLabels = d.stringMap(s.matchLabels, [...path, "matchLabels"]);
  if (matchLabels) d.errors.push(...validateLabels(matchLabels, [...path, "matchLabels"]));
  const expressions = d.array(s.matchExpressions, [...path, "matchExpressions"]);
  const matchExpressions = expressions?.map((item, i) => requirement(d, item, [...path, "matchExpressions", i]));
  return {
    ...(matchLabels ? { matchLabels } : {}),
    ...(matchExpressions ? { matchExpressions: matchExpressions.filter((r): r is LabelSelectorRequirement => r !== undefined) } : {}),
  };
}

// ValidateLabelSelectorRequirement, with label values checked (AllowInvalidLabelValueInSelector is false on create).
function requirement(d: Decoder, value: unknown, path: FieldPath): LabelSelectorRequirement | undefined {
  const r = d.object(value, path, ["key", "operator", "values"]) ?? {};
  const key = d.string(r.key, [...path, "key"]) ?? "";
  const operator = d.string(r.operator, [...path, "operator"]) ?? "";
  const values = d.strings(r.values, [...path, "values"]);
  const count = values?.length ?? 0;
  switch (operator) {
    case "In":
    case "NotIn":
      if (count === 0) d.errors.push(fieldError.required([...path, "values"], "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (count > 0) d.errors.push(fieldError.forbidden([...path, "values"], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      d.errors.push(fieldError.invalid([...path, "operator"], operator, "not a valid selector operator"));
  }
  for (const m of isLabelKey(key)) d.errors.push(fieldError.invalid([...path, "key"], key, m));
  (values ?? []).forEach((v, j) => {
    for (const m of isLabelValue(v)) d.errors.push(fieldError.invalid([...path, "values", j], v, m));
  });
  if (!SELECTOR_OPERATORS.includes(operator as SelectorOperator)) return undefined;
  return { key, operator: operator as SelectorOperator, ...(values ? { values } : {}) };
}

function portList(d: Decoder, value: unknown, path: FieldPath): NetworkPolicyPort[] | undefined {
  return d.array(value, path)?.map((item, i) => port(d, item, [...path, i]));
}

// ValidateNetworkPolicyPort.
function port(d: Decoder, value: unknown, path: FieldPath): NetworkPolicyPort {
  const p = d.object(value, path, ["protocol", "port", "endPort"]) ?? {};
  const protocol = d.string(p.protocol, [...path, "protocol"]);
  const number = d.intOrString(p.port, [...path, "port"]);
  const endPort = d.int32(p.endPort, [...path, "endPort"]);
  if (protocol !== undefined && !isProtocol(protocol)) d.errors.push(fieldError.notSupported([...path, "protocol"], protocol, PROTOCOLS));
  if (typeof number === "number") {
    if (!isPortNumber(number)) d.errors.push(fieldError.invalid([...path, "port"], number, PORT_RANGE_MESSAGE));
    if (endPort !== undefined) {
      if (endPort < number) d.errors.push(fieldError.invalid([...path, "endPort"], endPort, "must be greater than or equal to `port`"));
      if (!isPortNumber(endPort)) d.errors.push(fieldError.invalid([...path, "endPort"], endPort, PORT_RANGE_MESSAGE));
    }
  } else if (typeof number === "string") {
    if (endPort !== undefined) d.errors.push(fieldError.invalid([...path, "endPort"], endPort, "may not be specified when `port` is non-numeric"));
    for (const m of isPortName(number)) d.errors.push(fieldError.invalid([...path, "port"], number, m));
  } else if (endPort !== undefined && p.port === undefined) {
    d.errors.push(fieldError.invalid([...path, "endPort"], endPort, "may not be specified when `port` is not specified"));
  }
  // Defaulting: protocol TCP when absent.
  return {
    protocol: protocol !== undefined && isProtocol(protocol) ? protocol : "TCP",
    ...(number !== undefined ? { port: number } : {}),
    ...(endPort !== undefined ? { endPort } : {}),
  };
}

function peerList(d: Decoder, value: unknown, path: FieldPath): NetworkPolicyPeer[] | undefined {
  return d.array(value, path)?.map((item, i) => peer(d, item, [...path, i]));
}

// ValidateNetworkPolicyPeer.
function peer(d: Decoder, value: unknown, path: FieldPath): NetworkPolicyPeer {
  const p = d.object(value, path, ["podSelector", "namespaceSelector", "ipBlock"]) ?? {};
  const podSelector = selector(d, p.podSelector, [...path, "podSelector"]);
  const namespaceSelector = selector(d, p.namespaceSelector, [...path, "namespaceSelector"]);
  const ipBlock = block(d, p.ipBlock, [...path, "ipBlock"]);
  const present = [p.podSelector, p.namespaceSelector, p.ipBlock].filter((v) => v !== undefined && v !== null).length;
  if (present === 0) d.errors.push(fieldError.required(path, "must specify a peer"));
  else if (present > 1 && p.ipBlock !== undefined && p.ipBlock !== null) {
    d.errors.push(fieldError.forbidden(path, "may not specify both ipBlock and another peer"));
  }
  return {
    ...(podSelector ? { podSelector } : {}),
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(ipBlock ? { ipBlock } : {}),
  };
}

// ValidateIPBlock.
function block(d: Decoder, value: unknown, path: FieldPath): IPBlock | undefined {
  const b: Json | undefined = d.object(value, path, ["cidr", "except"]);
  if (b === undefined) return undefined;
  const cidrText = d.string(b.cidr, [...path, "cidr"]) ?? "";
  const except = d.strings(b.except, [...path, "except"]);
  if (cidrText === "") {
    d.errors.push(fieldError.required([...path, "cidr"]));
    return { cidr: cidrText };
  }
  const outer = parseCidr(cidrText);
  if (outer === undefined) d.errors.push(fieldError.invalid([...path, "cidr"], cidrText, CIDR_MESSAGE));
  else {
    (except ?? []).forEach((text, i) => {
      const inner = parseCidr(text);
      if (inner === undefined) d.errors.push(fieldError.invalid([...path, "except", i], text, CIDR_MESSAGE));
      else if (!isStrictSubset(outer, inner)) d.errors.push(fieldError.invalid([...path, "except", i], text, "must be a strict subset of `cidr`"));
    });
  }
  return { cidr: cidrText, ...(except ? { except } : {}) };
}

// The policyTypes checks of ValidateNetworkPolicySpec. Duplicates are accepted, as the API server accepts them.
function policyTypeList(d: Decoder, value: unknown, path: FieldPath): PolicyType[] | undefined {
  const types = d.strings(value, path);
  if (types === undefined) return undefined;
  if (types.length > POLICY_TYPES.length) {
    d.errors.push(fieldError.invalid(path, types, "may not specify more than two policyTypes"));
    return undefined;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t as PolicyType)) d.errors.push(fieldError.notSupported([...path, i], t, POLICY_TYPES));
  });
  return types as PolicyType[];
}
