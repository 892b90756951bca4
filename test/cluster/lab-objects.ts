// What the lab adapter reads from the Kubernetes objects it is given: a pod's
// labels, command, env, ports and readiness probe; a Service's selector and
// ports. Anything the lab cannot honour is refused with the object and field
// named, never ignored silently (an ignored command would be a pod that does
// nothing, and tests that pass for the wrong reason).
import type { KubeObject } from "../../src/kube/object.ts";
import type { Labels } from "../../src/kube/labels.ts";
import type { Protocol } from "../../src/kube/protocol.ts";
import type { ObjectRef } from "../../src/kube/object.ts";

export class LabObjectError extends Error {}

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "GlobalNetworkPolicy",
  "GlobalNetworkSet",
  "AdminNetworkPolicy",
  "BaselineAdminNetworkPolicy",
  "ClusterNetworkPolicy",
]);
const NAMESPACED = new Set(["Pod", "Service", "NetworkPolicy", "ConfigMap", "Secret", "ServiceAccount", "Endpoints", "EndpointSlice"]);

/** The object's ref; namespaced kinds without a namespace get `default`, as kubectl does. */
export function refOf(object: KubeObject): ObjectRef {
  const where = `${String(object?.kind)} ${String(object?.metadata?.name)}`;
  if (typeof object !== "object" || object === null) throw new LabObjectError("an object must be a mapping");
  if (typeof object.apiVersion !== "string" || object.apiVersion === "") throw new LabObjectError(`${where}: apiVersion must be a string`);
  if (typeof object.kind !== "string" || object.kind === "") throw new LabObjectError(`${where}: kind must be a string`);
  const meta = object.metadata;
  if (typeof meta !== "object" || meta === null || typeof meta.name !== "string" || meta.name === "") {
    throw new LabObjectError(`${where}: metadata.name must be a non-empty string`);
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== "string") throw new LabObjectError(`${where}: metadata.namespace must be a string`);
  const clusterScoped = CLUSTER_SCOPED.has(object.kind) || (!NAMESPACED.has(object.kind) && meta.namespace === undefined);
  if (clusterScoped) return { apiVersion: object.apiVersion, kind: object.kind, name: meta.name };
  return { apiVersion: object.apiVersion, kind: object.kind, namespace: meta.namespace ?? "default", name: meta.name };
}

/** Identity as the API server sees it: group, kind, namespace, name (not the version). */
export function keyOf(ref: ObjectRef): string {
  const group = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
  return `${group}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ""}${ref.name}`;
}

export function labelsOf(object: KubeObject, where: string): Labels {
  const labels = object.metadata.labels;
  if (labels === undefined) return {};
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) throw new LabObjectError(`${where}: metadata.labels must be a mapping`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== "string") throw new LabObjectError(`${where}: metadata.labels[${JSON.stringify(k)}] must be a string`);
    out[k] = v;
  }
  return out;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** The downward API fields a pod's env can name on the lab. */
export const FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "status.podIP", "status.hostIP"] as const;
export type FieldPath = (typeof FIELD_PATHS)[number];

export type EnvVar = { readonly name: string; readonly value: string } | { readonly name: string; readonly fieldPath: FieldPath };

export type Readiness =
  | { readonly kind: "exec"; readonly argv: readonly string[]; readonly timeoutMs: number }
  | { readonly kind: "tcp"; readonly port: number }
  | { readonly kind: "http"; readonly port: number; readonly path: string; readonly timeoutMs: number };

export interface PodShape {
  readonly container: string;
  /** command + args; absent: the pod runs nothing (an idle namespace). */
  readonly argv?: readonly string[];
  readonly env: readonly EnvVar[];
  readonly ports: readonly ContainerPort[];
  readonly readiness?: Readiness;
  readonly initialDelayMs: number;
  /** Canonical spec: a different one means a new pod. */
  readonly specKey: string;
}

export function podShape(object: KubeObject, where: string): PodShape {
  const spec = mapping(object["spec"], `${where}: spec`);
  const containers = spec["containers"];
  if (!Array.isArray(containers) || containers.length === 0) throw new LabObjectError(`${where}: spec.containers must list at least one container`);
  const c = mapping(containers[0], `${where}: spec.containers[0]`);
  const at = `${where}: spec.containers[0]`;
  const command = optionalStrings(c["command"], `${at}.command`);
  const args = optionalStrings(c["args"], `${at}.args`);
  if (command === undefined && args !== undefined) {
    throw new LabObjectError(`${at}.command: the lab has no images and so no entrypoint; give the command, not only args`);
  }
  const ports = (optionalArray(c["ports"], `${at}.ports`) ?? []).map((p, i) => containerPort(p, `${at}.ports[${i}]`));
  const env = (optionalArray(c["env"], `${at}.env`) ?? []).map((e, i): EnvVar => {
    const entry = mapping(e, `${at}.env[${i}]`);
    if (typeof entry["name"] !== "string") throw new LabObjectError(`${at}.env[${i}].name must be a string`);
    if (entry["valueFrom"] === undefined) return { name: entry["name"], value: typeof entry["value"] === "string" ? entry["value"] : "" };
    const from = mapping(entry["valueFrom"], `${at}.env[${i}].valueFrom`);
    const path = from["fieldRef"] === undefined ? undefined : mapping(from["fieldRef"], `${at}.env[${i}].valueFrom.fieldRef`)["fieldPath"];
    if (typeof path !== "string" || !(FIELD_PATHS as readonly string[]).includes(path)) {
      throw new LabObjectError(`${at}.env[${i}].valueFrom: the lab supports value, or fieldRef to ${FIELD_PATHS.join(", ")}`);
    }
    return { name: entry["name"], fieldPath: path as FieldPath };
  });
  const probe = c["readinessProbe"] === undefined ? undefined : mapping(c["readinessProbe"], `${at}.readinessProbe`);
  return {
    container: typeof c["name"] === "string" ? c["name"] : "main",
    ...(command !== undefined ? { argv: [...command, ...(args ?? [])] } : {}),
    env,
    ports,
    ...(probe !== undefined ? { readiness: readiness(probe, ports, `${at}.readinessProbe`) } : {}),
    initialDelayMs: probe !== undefined ? seconds(probe["initialDelaySeconds"], 0, `${at}.readinessProbe.initialDelaySeconds`) : 0,
    specKey: canonical(spec),
  };
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** A number, or a container port name resolved per pod. */
  readonly targetPort: number | string;
}

export interface ServiceShape {
  /** Absent: endpoints are not managed from pods (none, on the lab). */
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  /** `None` for a headless Service; an address the author asked for; or absent. */
  readonly clusterIp?: string;
  readonly type: string;
}

export function serviceShape(object: KubeObject, where: string): ServiceShape {
  const spec = mapping(object["spec"] ?? {}, `${where}: spec`);
  const type = spec["type"] === undefined ? "ClusterIP" : String(spec["type"]);
  let selector: Labels | undefined;
  if (spec["selector"] !== undefined) {
    const s = mapping(spec["selector"], `${where}: spec.selector`);
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== "string") throw new LabObjectError(`${where}: spec.selector[${JSON.stringify(k)}] must be a string`);
      out[k] = v;
    }
    selector = out;
  }
  const ports = (optionalArray(spec["ports"], `${where}: spec.ports`) ?? []).map((p, i): ServicePort => {
    const at = `${where}: spec.ports[${i}]`;
    const m = mapping(p, at);
    const port = portNumber(m["port"], `${at}.port`);
    const target = m["targetPort"];
    const targetPort = target === undefined ? port : typeof target === "string" && !/^\d+$/.test(target) ? target : portNumber(Number(target), `${at}.targetPort`);
    return {
      ...(typeof m["name"] === "string" ? { name: m["name"] } : {}),
      port,
      protocol: protocol(m["protocol"], `${at}.protocol`),
      targetPort,
    };
  });
  const clusterIp = spec["clusterIP"];
  if (clusterIp !== undefined && clusterIp !== "" && typeof clusterIp !== "string") throw new LabObjectError(`${where}: spec.clusterIP must be a string`);
  return {
    ...(selector !== undefined ? { selector } : {}),
    ports,
    ...(typeof clusterIp === "string" && clusterIp !== "" ? { clusterIp } : {}),
    type,
  };
}

/** The container port a name or number stands for, if the pod has it. */
export function resolvePort(ports: readonly ContainerPort[], port: number | string, protocol: Protocol): number | undefined {
  if (typeof port === "number") return port;
  return ports.find((p) => p.name === port && p.protocol === protocol)?.port;
}

function readiness(probe: Record<string, unknown>, ports: readonly ContainerPort[], at: string): Readiness {
  const timeoutMs = seconds(probe["timeoutSeconds"], 1, `${at}.timeoutSeconds`);
  if (probe["exec"] !== undefined) {
    const argv = optionalStrings(mapping(probe["exec"], `${at}.exec`)["command"], `${at}.exec.command`);
    if (argv === undefined || argv.length === 0) throw new LabObjectError(`${at}.exec.command must be a non-empty list of strings`);
    return { kind: "exec", argv, timeoutMs };
  }
  const named = (value: unknown, field: string): number => {
    if (typeof value === "string" && !/^\d+$/.test(value)) {
      const found = resolvePort(ports, value, "TCP");
      if (found === undefined) throw new LabObjectError(`${field}: no TCP container port is named ${JSON.stringify(value)}`);
      return found;
    }
    return portNumber(Number(value), field);
  };
  if (probe["tcpSocket"] !== undefined) {
    return { kind: "tcp", port: named(mapping(probe["tcpSocket"], `${at}.tcpSocket`)["port"], `${at}.tcpSocket.port`) };
  }
  if (probe["httpGet"] !== undefined) {
    const h = mapping(probe["httpGet"], `${at}.httpGet`);
    const path = h["path"] === undefined ? "/" : String(h["path"]);
    return { kind: "http", port: named(h["port"], `${at}.httpGet.port`), path, timeoutMs };
  }
  throw new LabObjectError(`${at}: the lab understands exec, tcpSocket and httpGet probes`);
}

function containerPort(value: unknown, at: string): ContainerPort {
  const m = mapping(value, at);
  return {
    ...(typeof m["name"] === "string" ? { name: m["name"] } : {}),
    port: portNumber(m["containerPort"], `${at}.containerPort`),
    protocol: protocol(m["protocol"], `${at}.protocol`),
  };
}

function protocol(value: unknown, at: string): Protocol {
  if (value === undefined) return "TCP";
  if (value === "TCP" || value === "UDP" || value === "SCTP") return value;
  throw new LabObjectError(`${at}: expected TCP, UDP or SCTP, not ${JSON.stringify(value)}`);
}

function portNumber(value: unknown, at: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  throw new LabObjectError(`${at}: expected a port number from 1 to 65535, not ${JSON.stringify(value)}`);
}

function seconds(value: unknown, fallback: number, at: string): number {
  if (value === undefined) return fallback * 1000;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value * 1000;
  throw new LabObjectError(`${at}: expected a whole number of seconds`);
}

function mapping(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new LabObjectError(`${at} must be a mapping`);
  return value as Record<string, unknown>;
}

function optionalArray(value: unknown, at: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new LabObjectError(`${at} must be a list`);
  return value;
}

function optionalStrings(value: unknown, at: string): string[] | undefined {
  const list = optionalArray(value, at);
  if (list === undefined) return undefined;
  if (!list.every((v) => typeof v === "string")) throw new LabObjectError(`${at} must be a list of strings`);
  return list as string[];
}

/** JSON with sorted keys: the same spec gives the same string whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
