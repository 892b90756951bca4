// What the cluster's Services mean on the lab, as data: DNAT rules per
// (ClusterIP, port, protocol) to the ready pods a selector picks (named target
// ports resolved per pod, as kube-proxy does), and the DNS records of
// `<service>.<namespace>.svc.cluster.local`. Pure: the adapter writes the result.
import type { Labels } from "../../src/kube/labels.ts";
import type { DnsRecord } from "../lab/lab.ts";
import type { ServiceRule } from "../lab/services.ts";
import { resolvePort, type ContainerPort, type ServiceShape } from "./lab-objects.ts";

export const CLUSTER_DOMAIN = "cluster.local";
export const SERVICE_BASE = "10.96";
/** `kubernetes.default`: resolvable, as on every cluster; nothing behind it on the lab. */
export const KUBERNETES_SERVICE_IP = `${SERVICE_BASE}.0.1`;

export interface NetworkPod {
  readonly namespace: string;
  readonly ip: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** Only ready pods are endpoints. */
  readonly ready: boolean;
}

export interface NetworkService {
  readonly namespace: string;
  readonly name: string;
  readonly shape: ServiceShape;
  /** Absent: headless, or ExternalName. */
  readonly clusterIp: string | undefined;
}

export function clusterNetwork(
  services: Iterable<NetworkService>,
  pods: readonly NetworkPod[],
  dnsServer: string,
): { rules: ServiceRule[]; records: DnsRecord[] } {
  const rules: ServiceRule[] = [];
  const records: DnsRecord[] = [
    { name: `kubernetes.default.svc.${CLUSTER_DOMAIN}`, address: KUBERNETES_SERVICE_IP },
    { name: `kube-dns.kube-system.svc.${CLUSTER_DOMAIN}`, address: dnsServer },
  ];
  for (const s of services) {
    const name = `${s.name}.${s.namespace}.svc.${CLUSTER_DOMAIN}`;
    const selector = s.shape.selector;
    const endpoints = selector === undefined ? [] : selected(pods, s.namespace, selector);
    if (s.clusterIp === undefined) {
      if (s.shape.type !== "ExternalName") records.push(...endpoints.map((p) => ({ name, address: p.ip })));
      continue;
    }
    records.push({ name, address: s.clusterIp });
    for (const port of s.shape.ports) {
      const eps = endpoints.flatMap((p) => {
        const target = resolvePort(p.ports, port.targetPort, port.protocol);
        return target === undefined ? [] : [{ address: p.ip, port: target }];
      });
      rules.push({ clusterIp: s.clusterIp, port: port.port, protocol: port.protocol.toLowerCase() as ServiceRule["protocol"], endpoints: eps });
    }
  }
  return { rules, records };
}

function selected(pods: readonly NetworkPod[], namespace: string, selector: Labels): NetworkPod[] {
  const wanted = Object.entries(selector);
  return pods
    .filter((p) => p.namespace === namespace && p.ready)
    .filter((p) => wanted.every(([k, v]) => Object.hasOwn(p.labels, k) && p.labels[k] === v))
    .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}
