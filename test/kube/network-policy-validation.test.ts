// API-exact NetworkPolicy validation: each case is what the API server says
// on create (pkg/apis/networking/validation, apimachinery ObjectMeta and
// LabelSelector rules, strict decoding), as `<field path>: <message>`.
import { expect } from "chai";
import { decodeNetworkPolicy } from "../../src/kube/network-policy-validation.ts";
import { formatFieldPath } from "../../src/kube/field-errors.ts";

type Json = Record<string, unknown>;

function policy(spec: unknown, metadata: Json = { name: "p", namespace: "shop" }, extra: Json = {}): Json {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata, spec, ...extra };
}
const ingressPorts = (...ports: unknown[]) => ({ podSelector: {}, ingress: [{ ports }] });
const ingressFrom = (...from: unknown[]) => ({ podSelector: {}, ingress: [{ from }] });
const egressTo = (...to: unknown[]) => ({ podSelector: {}, egress: [{ to }] });
const block = (cidr: unknown, except?: unknown) => ingressFrom({ ipBlock: except === undefined ? { cidr } : { cidr, except } });
const expr = (...matchExpressions: unknown[]) => ({ podSelector: { matchExpressions } });
const meta = (m: Json) => policy({ podSelector: {} }, { name: "p", namespace: "shop", ...m });

function errorsOf(value: unknown): string[] {
  return decodeNetworkPolicy(value).errors.map((e) => `${formatFieldPath(e.path)}: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ""}`);
}

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const KEY_SLASHES =
  "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
const RANGE = "must be between 1 and 65535, inclusive";
const CHARSET = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
const PROTOCOLS = 'supported values: "TCP", "UDP", "SCTP"';
const TYPES = 'supported values: "Ingress", "Egress"';
const SUBSET = "must be a strict subset of `cidr`";
const IN_VALUES = "Required value: must be specified when `operator` is 'In' or 'NotIn'";
const NO_VALUES = "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'";

const long = (n: number, c = "a") => c.repeat(n);

const rejected: ReadonlyArray<{ name: string; policy: unknown; errors: string[] }> = [
  // metadata: names, namespaces, labels, annotations
  { name: "upper-case name", policy: meta({ name: "Allow-Web" }), errors: [`metadata.name: Invalid value: "Allow-Web": ${SUBDOMAIN}`] },
  { name: "underscore in name", policy: meta({ name: "web_policy" }), errors: [`metadata.name: Invalid value: "web_policy": ${SUBDOMAIN}`] },
  { name: "name starting with '-'", policy: meta({ name: "-web" }), errors: [`metadata.name: Invalid value: "-web": ${SUBDOMAIN}`] },
  { name: "name ending with '.'", policy: meta({ name: "web." }), errors: [`metadata.name: Invalid value: "web.": ${SUBDOMAIN}`] },
  { name: "name with an empty label", policy: meta({ name: "a..b" }), errors: [`metadata.name: Invalid value: "a..b": ${SUBDOMAIN}`] },
  { name: "name with a space", policy: meta({ name: "web policy" }), errors: [`metadata.name: Invalid value: "web policy": ${SUBDOMAIN}`] },
  { name: "name of 254 bytes", policy: meta({ name: long(254) }), errors: [`metadata.name: Invalid value: "${long(254)}": must be no more than 253 bytes`] },
  { name: "empty name", policy: meta({ name: "" }), errors: ["metadata.name: Required value: name or generateName is required"] },
  { name: "no name", policy: policy({ podSelector: {} }, { namespace: "shop" }), errors: ["metadata.name: Required value: name or generateName is required"] },
  { name: "no metadata", policy: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", spec: {} }, errors: ["metadata.name: Required value: name or generateName is required"] },
  { name: "upper-case namespace", policy: meta({ namespace: "Shop" }), errors: [`metadata.namespace: Invalid value: "Shop": ${LABEL}`] },
  { name: "namespace with dots", policy: meta({ namespace: "shop.prod" }), errors: ['metadata.namespace: Invalid value: "shop.prod": must not contain dots'] },
  { name: "namespace of 64 bytes", policy: meta({ namespace: long(64) }), errors: [`metadata.namespace: Invalid value: "${long(64)}": must be no more than 63 bytes`] },
  { name: "label key starting with '-'", policy: meta({ labels: { "-app": "x" } }), errors: [`metadata.labels: Invalid value: "-app": ${KEY_NAME}`] },
  { name: "label key with two slashes", policy: meta({ labels: { "a/b/c": "x" } }), errors: [`metadata.labels: Invalid value: "a/b/c": ${KEY_SLASHES}`] },
  { name: "label key with an empty prefix", policy: meta({ labels: { "/app": "x" } }), errors: ['metadata.labels: Invalid value: "/app": prefix part must be non-empty'] },
  { name: "label key with an upper-case prefix", policy: meta({ labels: { "Example.com/app": "x" } }), errors: [`metadata.labels: Invalid value: "Example.com/app": prefix part ${SUBDOMAIN}`] },
  { name: "label key with an empty name", policy: meta({ labels: { "app/": "x" } }), errors: ['metadata.labels: Invalid value: "app/": name part must be non-empty', `metadata.labels: Invalid value: "app/": ${KEY_NAME}`] },
  { name: "label key name of 64 bytes", policy: meta({ labels: { [long(64)]: "x" } }), errors: [`metadata.labels: Invalid value: "${long(64)}": name part must be no more than 63 bytes`] },
  { name: "label key __proto__", policy: meta({ labels: JSON.parse('{"__proto__": "x"}') }), errors: [`metadata.labels: Invalid value: "__proto__": ${KEY_NAME}`] },
  { name: "label value starting with '-'", policy: meta({ labels: { app: "-x" } }), errors: [`metadata.labels: Invalid value: "-x": ${VALUE}`] },
  { name: "label value with a space", policy: meta({ labels: { app: "a b" } }), errors: [`metadata.labels: Invalid value: "a b": ${VALUE}`] },
  { name: "label value of 64 bytes", policy: meta({ labels: { app: long(64) } }), errors: [`metadata.labels: Invalid value: "${long(64)}": must be no more than 63 bytes`] },
  { name: "label value that is a boolean", policy: meta({ labels: { enabled: true } }), errors: ['metadata.labels.enabled: cannot decode the boolean true as a string (hint: quote it for the string "true")'] },
  { name: "annotation key with a space", policy: meta({ annotations: { "bad key": "x" } }), errors: [`metadata.annotations: Invalid value: "bad key": ${KEY_NAME}`] },
  { name: "annotation key with two slashes", policy: meta({ annotations: { "a/b/c": "x" } }), errors: [`metadata.annotations: Invalid value: "a/b/c": ${KEY_SLASHES}`] },
  { name: "annotations over 256 KiB", policy: meta({ annotations: { big: long(262142) } }), errors: ["metadata.annotations: Too long: must have at most 262144 bytes"] },
  { name: "unknown metadata field", policy: meta({ lables: { app: "x" } }), errors: ['metadata.lables: unknown field "metadata.lables"'] },
  // podSelector and peer selectors
  { name: "matchLabels key with '!'", policy: policy({ podSelector: { matchLabels: { "app!": "web" } } }), errors: [`spec.podSelector.matchLabels: Invalid value: "app!": ${KEY_NAME}`] },
  { name: "matchLabels value with '!'", policy: policy({ podSelector: { matchLabels: { app: "web!" } } }), errors: [`spec.podSelector.matchLabels: Invalid value: "web!": ${VALUE}`] },
  { name: "matchLabels value that is a number", policy: policy({ podSelector: { matchLabels: { version: 2 } } }), errors: ['spec.podSelector.matchLabels.version: cannot decode the number 2 as a string (hint: quote it for the string "2")'] },
  { name: "unknown operator", policy: policy(expr({ key: "app", operator: "Equals", values: ["web"] })), errors: ['spec.podSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator'] },
  { name: "lower-case operator", policy: policy(expr({ key: "app", operator: "in", values: ["web"] })), errors: ['spec.podSelector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator'] },
  { name: "no operator", policy: policy(expr({ key: "app" })), errors: ['spec.podSelector.matchExpressions[0].operator: Invalid value: "": not a valid selector operator'] },
  { name: "In without values", policy: policy(expr({ key: "app", operator: "In" })), errors: [`spec.podSelector.matchExpressions[0].values: ${IN_VALUES}`] },
  { name: "NotIn with empty values", policy: policy(expr({ key: "app", operator: "NotIn", values: [] })), errors: [`spec.podSelector.matchExpressions[0].values: ${IN_VALUES}`] },
  { name: "Exists with values", policy: policy(expr({ key: "app", operator: "Exists", values: ["web"] })), errors: [`spec.podSelector.matchExpressions[0].values: ${NO_VALUES}`] },
  { name: "DoesNotExist with values", policy: policy(expr({ key: "app", operator: "DoesNotExist", values: ["x"] })), errors: [`spec.podSelector.matchExpressions[0].values: ${NO_VALUES}`] },
  { name: "expression key with a space", policy: policy(expr({ key: "bad key", operator: "Exists" })), errors: [`spec.podSelector.matchExpressions[0].key: Invalid value: "bad key": ${KEY_NAME}`] },
  { name: "empty expression key", policy: policy(expr({ key: "", operator: "Exists" })), errors: ['spec.podSelector.matchExpressions[0].key: Invalid value: "": name part must be non-empty', `spec.podSelector.matchExpressions[0].key: Invalid value: "": ${KEY_NAME}`] },
  { name: "bad value among In values", policy: policy(expr({ key: "app", operator: "In", values: ["good", "bad value"] })), errors: [`spec.podSelector.matchExpressions[0].values[1]: Invalid value: "bad value": ${VALUE}`] },
  { name: "In value of 64 bytes", policy: policy(expr({ key: "app", operator: "In", values: [long(64)] })), errors: [`spec.podSelector.matchExpressions[0].values[0]: Invalid value: "${long(64)}": must be no more than 63 bytes`] },
  { name: "second expression wrong", policy: policy(expr({ key: "a", operator: "Exists" }, { key: "b", operator: "In" })), errors: [`spec.podSelector.matchExpressions[1].values: ${IN_VALUES}`] },
  { name: "unknown selector field", policy: policy({ podSelector: { matchLabel: { app: "web" } } }), errors: ['spec.podSelector.matchLabel: unknown field "spec.podSelector.matchLabel"'] },
  { name: "unknown expression field", policy: policy(expr({ key: "app", operator: "Exists", value: "x" })), errors: ['spec.podSelector.matchExpressions[0].value: unknown field "spec.podSelector.matchExpressions[0].value"'] },
  { name: "namespaceSelector with a bad key", policy: policy(ingressFrom({ namespaceSelector: { matchLabels: { "team name": "a" } } })), errors: [`spec.ingress[0].from[0].namespaceSelector.matchLabels: Invalid value: "team name": ${KEY_NAME}`] },
  { name: "peer podSelector In without values", policy: policy(egressTo({ podSelector: { matchExpressions: [{ key: "app", operator: "In" }] } })), errors: [`spec.egress[0].to[0].podSelector.matchExpressions[0].values: ${IN_VALUES}`] },
  // policyTypes
  { name: "three policyTypes", policy: policy({ podSelector: {}, policyTypes: ["Ingress", "Egress", "Ingress"] }), errors: ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes'] },
  { name: "lower-case policyType", policy: policy({ podSelector: {}, policyTypes: ["ingress"] }), errors: [`spec.policyTypes[0]: Unsupported value: "ingress": ${TYPES}`] },
  { name: "unknown policyType", policy: policy({ podSelector: {}, policyTypes: ["Both"] }), errors: [`spec.policyTypes[0]: Unsupported value: "Both": ${TYPES}`] },
  { name: "empty policyType", policy: policy({ podSelector: {}, policyTypes: ["Ingress", ""] }), errors: [`spec.policyTypes[1]: Unsupported value: "": ${TYPES}`] },
  { name: "policyTypes as a string", policy: policy({ podSelector: {}, policyTypes: "Ingress" }), errors: ['spec.policyTypes: cannot decode the string "Ingress" as a list'] },
  // ports
  { name: "port 0", policy: policy(ingressPorts({ port: 0 })), errors: [`spec.ingress[0].ports[0].port: Invalid value: 0: ${RANGE}`] },
  { name: "port 65536", policy: policy(ingressPorts({ port: 65536 })), errors: [`spec.ingress[0].ports[0].port: Invalid value: 65536: ${RANGE}`] },
  { name: "negative port", policy: policy(ingressPorts({ port: -1 })), errors: [`spec.ingress[0].ports[0].port: Invalid value: -1: ${RANGE}`] },
  { name: "egress port 0", policy: policy({ podSelector: {}, egress: [{ ports: [{ port: 0 }] }] }), errors: [`spec.egress[0].ports[0].port: Invalid value: 0: ${RANGE}`] },
  { name: "port name a--b", policy: policy(ingressPorts({ port: "a--b" })), errors: ['spec.ingress[0].ports[0].port: Invalid value: "a--b": must not contain consecutive hyphens'] },
  { name: "port name starting with '-'", policy: policy(ingressPorts({ port: "-http" })), errors: ['spec.ingress[0].ports[0].port: Invalid value: "-http": must not begin or end with a hyphen'] },
  { name: "port name ending with '-'", policy: policy(ingressPorts({ port: "http-" })), errors: ['spec.ingress[0].ports[0].port: Invalid value: "http-": must not begin or end with a hyphen'] },
  { name: "upper-case port name", policy: policy(ingressPorts({ port: "HTTP" })), errors: [`spec.ingress[0].ports[0].port: Invalid value: "HTTP": ${CHARSET}`, 'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain at least one letter (a-z)'] },
  { name: "quoted number as port", policy: policy(ingressPorts({ port: "80" })), errors: ['spec.ingress[0].ports[0].port: Invalid value: "80": must contain at least one letter (a-z)'] },
  { name: "port name of 16 bytes", policy: policy(ingressPorts({ port: "abcdefghijklmnop" })), errors: ['spec.ingress[0].ports[0].port: Invalid value: "abcdefghijklmnop": must be no more than 15 bytes'] },
  { name: "underscore in port name", policy: policy(ingressPorts({ port: "http_alt" })), errors: [`spec.ingress[0].ports[0].port: Invalid value: "http_alt": ${CHARSET}`] },
  { name: "empty port name", policy: policy(ingressPorts({ port: "" })), errors: [`spec.ingress[0].ports[0].port: Invalid value: "": ${CHARSET}`, 'spec.ingress[0].ports[0].port: Invalid value: "": must contain at least one letter (a-z)'] },
  { name: "lower-case protocol", policy: policy(ingressPorts({ protocol: "tcp" })), errors: [`spec.ingress[0].ports[0].protocol: Unsupported value: "tcp": ${PROTOCOLS}`] },
  { name: "protocol ICMP", policy: policy(ingressPorts({ protocol: "ICMP", port: 80 })), errors: [`spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": ${PROTOCOLS}`] },
  { name: "empty protocol", policy: policy(ingressPorts({ protocol: "" })), errors: [`spec.ingress[0].ports[0].protocol: Unsupported value: "": ${PROTOCOLS}`] },
  { name: "endPort below port", policy: policy(ingressPorts({ port: 100, endPort: 80 })), errors: ["spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`"] },
  { name: "endPort with a named port", policy: policy(ingressPorts({ port: "http", endPort: 90 })), errors: ["spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric"] },
  { name: "endPort without port", policy: policy(ingressPorts({ endPort: 90 })), errors: ["spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified"] },
  { name: "endPort above 65535", policy: policy(ingressPorts({ port: 80, endPort: 70000 })), errors: [`spec.ingress[0].ports[0].endPort: Invalid value: 70000: ${RANGE}`] },
  { name: "port 0 and endPort 0", policy: policy(ingressPorts({ port: 0, endPort: 0 })), errors: [`spec.ingress[0].ports[0].port: Invalid value: 0: ${RANGE}`, `spec.ingress[0].ports[0].endPort: Invalid value: 0: ${RANGE}`] },
  { name: "fractional port", policy: policy(ingressPorts({ port: 80.5 })), errors: ["spec.ingress[0].ports[0].port: cannot decode the number 80.5 as a whole number or a string"] },
  { name: "boolean port", policy: policy(ingressPorts({ port: true })), errors: ['spec.ingress[0].ports[0].port: cannot decode the boolean true as a whole number or a string (hint: quote it for the string "true")'] },
  { name: "endPort as a string", policy: policy(ingressPorts({ port: 80, endPort: "90" })), errors: ['spec.ingress[0].ports[0].endPort: cannot decode the string "90" as a whole number (int32)'] },
  { name: "unknown port field", policy: policy(ingressPorts({ port: 80, endport: 90 })), errors: ['spec.ingress[0].ports[0].endport: unknown field "spec.ingress[0].ports[0].endport"'] },
  // peers
  { name: "empty ingress peer", policy: policy(ingressFrom({})), errors: ["spec.ingress[0].from[0]: Required value: must specify a peer"] },
  { name: "empty egress peer", policy: policy(egressTo({})), errors: ["spec.egress[0].to[0]: Required value: must specify a peer"] },
  { name: "peer of nulls", policy: policy(ingressFrom({ podSelector: null, ipBlock: null })), errors: ["spec.ingress[0].from[0]: Required value: must specify a peer"] },
  { name: "ipBlock with podSelector", policy: policy(ingressFrom({ podSelector: {}, ipBlock: { cidr: "10.0.0.0/8" } })), errors: ["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"] },
  { name: "ipBlock with namespaceSelector", policy: policy(egressTo({ namespaceSelector: {}, ipBlock: { cidr: "10.0.0.0/8" } })), errors: ["spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"] },
  { name: "ipBlock with both selectors", policy: policy(ingressFrom({ podSelector: {}, namespaceSelector: {}, ipBlock: { cidr: "10.0.0.0/8" } })), errors: ["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"] },
  { name: "second peer empty", policy: policy(ingressFrom({ podSelector: {} }, {})), errors: ["spec.ingress[0].from[1]: Required value: must specify a peer"] },
  { name: "unknown peer field", policy: policy(ingressFrom({ podselector: {} })), errors: ['spec.ingress[0].from[0].podselector: unknown field "spec.ingress[0].from[0].podselector"'] },
  // ipBlock
  { name: "empty cidr", policy: policy(block("")), errors: ["spec.ingress[0].from[0].ipBlock.cidr: Required value"] },
  { name: "no cidr", policy: policy(ingressFrom({ ipBlock: { except: ["10.0.0.0/16"] } })), errors: ["spec.ingress[0].from[0].ipBlock.cidr: Required value"] },
  { name: "cidr without prefix", policy: policy(block("10.0.0.0")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0": ${CIDR}`] },
  { name: "IPv4 prefix 33", policy: policy(block("10.0.0.0/33")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": ${CIDR}`] },
  { name: "IPv6 prefix 129", policy: policy(block("2001:db8::/129")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "2001:db8::/129": ${CIDR}`] },
  { name: "short IPv4", policy: policy(block("10.1/16")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.1/16": ${CIDR}`] },
  { name: "hex IPv4", policy: policy(block("0x0a.0.0.0/8")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "0x0a.0.0.0/8": ${CIDR}`] },
  { name: "IPv6 with a zone", policy: policy(block("fe80::%eth0/64")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "fe80::%eth0/64": ${CIDR}`] },
  { name: "trailing space", policy: policy(block("10.0.0.0/8 ")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/8 ": ${CIDR}`] },
  { name: "octet 256", policy: policy(block("256.0.0.0/8")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "256.0.0.0/8": ${CIDR}`] },
  { name: "cidr a host name", policy: policy(block("example.com/32")), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "example.com/32": ${CIDR}`] },
  { name: "cidr a number", policy: policy(block(10)), errors: ['spec.ingress[0].from[0].ipBlock.cidr: cannot decode the number 10 as a string (hint: quote it for the string "10")'] },
  { name: "except equal to cidr", policy: policy(block("10.0.0.0/8", ["10.0.0.0/8"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": ${SUBSET}`] },
  { name: "except outside cidr", policy: policy(block("10.0.0.0/8", ["192.168.0.0/16"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": ${SUBSET}`] },
  { name: "except wider than cidr", policy: policy(block("10.0.0.0/8", ["10.0.0.0/7"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/7": ${SUBSET}`] },
  { name: "except of the other family", policy: policy(block("10.0.0.0/8", ["2001:db8::/64"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "2001:db8::/64": ${SUBSET}`] },
  { name: "except not a CIDR", policy: policy(block("10.0.0.0/8", ["nope"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "nope": ${CIDR}`] },
  { name: "second except equal", policy: policy(block("10.0.0.0/8", ["10.1.0.0/16", "10.0.0.0/8"])), errors: [`spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "10.0.0.0/8": ${SUBSET}`] },
  { name: "IPv6 except equal to cidr", policy: policy(block("2001:db8::/32", ["2001:db8::/32"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "2001:db8::/32": ${SUBSET}`] },
  { name: "except equal with host bits", policy: policy(block("10.0.0.0/8", ["10.9.9.9/8"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.9.9.9/8": ${SUBSET}`] },
  { name: "IPv4-mapped cidr: except compared by written prefix", policy: policy(block("::ffff:10.0.0.0/104", ["10.1.0.0/16"])), errors: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/16": ${SUBSET}`] },
  { name: "bad cidr: except not checked", policy: policy(block("10.0.0.0/33", ["nope"])), errors: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": ${CIDR}`] },
  { name: "egress ipBlock bad", policy: policy(egressTo({ ipBlock: { cidr: "10.0.0.0/40" } })), errors: [`spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/40": ${CIDR}`] },
  { name: "unknown ipBlock field", policy: policy(ingressFrom({ ipBlock: { cidr: "10.0.0.0/8", excepts: [] } })), errors: ['spec.ingress[0].from[0].ipBlock.excepts: unknown field "spec.ingress[0].from[0].ipBlock.excepts"'] },
  // the object and its spec
  { name: "unknown spec field", policy: policy({ podselector: {} }), errors: ['spec.podselector: unknown field "spec.podselector"'] },
  { name: "unknown top-level field", policy: policy({ podSelector: {} }, undefined, { status: {} }), errors: ['status: unknown field "status"'] },
  { name: "ingress as a mapping", policy: policy({ podSelector: {}, ingress: { from: [] } }), errors: ["spec.ingress: cannot decode a mapping as a list"] },
  { name: "to in an ingress rule", policy: policy({ podSelector: {}, ingress: [{ to: [] }] }), errors: ['spec.ingress[0].to: unknown field "spec.ingress[0].to"'] },
  { name: "from in an egress rule", policy: policy({ podSelector: {}, egress: [{ from: [] }] }), errors: ['spec.egress[0].from: unknown field "spec.egress[0].from"'] },
  {
    name: "several errors, in the API server's order",
    policy: policy(
      { podSelector: { matchLabels: { "a b": "c" } }, policyTypes: ["X"], ingress: [{ from: [{}], ports: [{ port: 0 }] }], egress: [{ to: [{ ipBlock: { cidr: "1.2.3.4" } }] }] },
      { name: "Bad", namespace: "shop" },
    ),
    errors: [
      `metadata.name: Invalid value: "Bad": ${SUBDOMAIN}`,
      `spec.podSelector.matchLabels: Invalid value: "a b": ${KEY_NAME}`,
      `spec.ingress[0].ports[0].port: Invalid value: 0: ${RANGE}`,
      "spec.ingress[0].from[0]: Required value: must specify a peer",
      `spec.egress[0].to[0].ipBlock.cidr: Invalid value: "1.2.3.4": ${CIDR}`,
      `spec.policyTypes[0]: Unsupported value: "X": ${TYPES}`,
    ],
  },
];

const accepted: ReadonlyArray<{ name: string; policy: unknown }> = [
  { name: "spec without podSelector (selects every pod)", policy: policy({}) },
  { name: "no spec at all", policy: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p" } } },
  { name: "podSelector null", policy: policy({ podSelector: null }) },
  { name: "duplicate policyTypes", policy: policy({ podSelector: {}, policyTypes: ["Ingress", "Ingress"] }) },
  { name: "empty policyTypes", policy: policy({ podSelector: {}, policyTypes: [] }) },
  { name: "policyTypes Egress without egress rules", policy: policy({ podSelector: {}, policyTypes: ["Egress"] }) },
  { name: "dotted name", policy: meta({ name: "allow.web.v1" }) },
  { name: "name of 253 bytes", policy: meta({ name: `${long(63)}.${long(63)}.${long(63)}.${long(61)}` }) },
  { name: "numeric name", policy: meta({ name: "123" }) },
  { name: "no namespace (the default one)", policy: policy({ podSelector: {} }, { name: "p" }) },
  { name: "namespace of 63 bytes", policy: meta({ namespace: long(63) }) },
  { name: "prefixed label keys, upper case names, empty values", policy: meta({ labels: { "example.com/app": "", "app.kubernetes.io/name": "A_b.c-1", App: "x", [long(63)]: long(63) } }) },
  { name: "label key with a 253-byte prefix", policy: meta({ labels: { [`${long(63)}.${long(63)}.${long(63)}.${long(61)}/k`]: "v" } }) },
  { name: "annotation with an upper-case prefix and any value", policy: meta({ annotations: { "Example.com/Key": "any value\nwith lines", note: "" } }) },
  { name: "known metadata fields", policy: meta({ uid: "x", resourceVersion: "1", creationTimestamp: null, finalizers: [], generation: 1 }) },
  { name: "In with an empty value", policy: policy(expr({ key: "app", operator: "In", values: [""] })) },
  { name: "NotIn with values", policy: policy(expr({ key: "app", operator: "NotIn", values: ["a", "b"] })) },
  { name: "Exists with empty values", policy: policy(expr({ key: "app", operator: "Exists", values: [] })) },
  { name: "DoesNotExist with null values", policy: policy(expr({ key: "app", operator: "DoesNotExist", values: null })) },
  { name: "selector keys named like Object.prototype members", policy: policy(expr({ key: "constructor", operator: "Exists" }, { key: "example.com/toString", operator: "DoesNotExist" })) },
  { name: "port names", policy: policy(ingressPorts({ port: "http" }, { port: "h2c" }, { port: "a-b" }, { port: "x" }, { port: "abcdefghijklmno" }, { port: "1a" }, { port: "a1-2b" })) },
  { name: "port 1 and 65535, ranges", policy: policy(ingressPorts({ port: 1 }, { port: 65535 }, { port: 80, endPort: 80 }, { port: 1, endPort: 65535 })) },
  { name: "protocols", policy: policy(ingressPorts({ protocol: "SCTP" }, { protocol: "UDP", port: 53 }, { protocol: "TCP", port: "dns-tcp" })) },
  { name: "empty lists and empty rules", policy: policy({ podSelector: {}, ingress: [{}, { from: [], ports: [] }], egress: [{}] }) },
  { name: "null lists", policy: policy({ podSelector: {}, ingress: null, egress: [{ to: null, ports: null }] }) },
  { name: "both selectors in one peer", policy: policy(ingressFrom({ podSelector: {}, namespaceSelector: {} })) },
  { name: "cidr with host bits", policy: policy(block("10.0.0.5/24", ["10.0.0.7/32"])) },
  { name: "everything, IPv4 and IPv6", policy: policy(ingressFrom({ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } })) },
  { name: "IPv4-mapped IPv6 cidr", policy: policy(block("::ffff:10.42.1.1/128")) },
  { name: "IPv4-mapped except inside an IPv4 cidr", policy: policy(block("10.0.0.0/8", ["::ffff:10.1.0.0/112"])) },
  { name: "leading zeros in address and prefix", policy: policy(block("010.0.0.0/08", ["10.1.0.0/016"])) },
  { name: "upper-case IPv6", policy: policy(block("2001:DB8::/32", ["2001:db8:0:1::/64"])) },
  { name: "IPv6 with an embedded IPv4", policy: policy(block("::1.2.3.0/120")) },
];

describe("kube: NetworkPolicy validation, as the API server does it", () => {
  it(`has ${rejected.length} rejected and ${accepted.length} accepted cases`, () => {
    expect(rejected.length).to.be.at.least(80);
    expect(new Set(rejected.map((c) => c.name)).size).to.equal(rejected.length);
  });

  describe("rejected, with the field path and the API server's words", () => {
    for (const c of rejected) {
      it(c.name, () => {
        expect(errorsOf(c.policy)).to.deep.equal(c.errors);
      });
    }
  });

  describe("accepted corner cases", () => {
    for (const c of accepted) {
      it(c.name, () => {
        expect(errorsOf(c.policy)).to.deep.equal([]);
      });
    }
  });

  it("applies the API server's defaults for the oracle: TCP, the default namespace, null as absent", () => {
    const result = decodeNetworkPolicy(policy({ podSelector: null, ingress: [{ ports: [{ port: 80 }], from: null }] }, { name: "p" }));
    expect(result.policy).to.deep.equal({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "default" },
      spec: { podSelector: {}, ingress: [{ ports: [{ protocol: "TCP", port: 80 }] }] },
    });
  });
});

describe("kube: reading a policy for evaluation", () => {
  it("reads a policy that decodes but no longer validates (rendered with other pod IPs)", async () => {
    const { readNetworkPolicy } = await import("../../src/kube/network-policy-validation.ts");
    const p = readNetworkPolicy(policy(block("10.42.0.0/16", ["10.77.0.11/32"])));
    expect(p.spec.ingress?.[0]?.from?.[0]?.ipBlock).to.deep.equal({ cidr: "10.42.0.0/16", except: ["10.77.0.11/32"] });
    expect(() => readNetworkPolicy(policy({ podselector: {} }))).to.throw(/does not decode|unknown field/);
  });
});
