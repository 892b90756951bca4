// A CNI for the network lab, in tests: a Cluster that passes everything to the
// lab adapter and, after every apply and delete, turns the NetworkPolicies in
// force into lab faults, deciding each connection with the oracle from the
// live objects (real names, labels and pod IPs), as a conformant CNI would.
// Variations make it a CNI that enforces nothing, one that gets some cells
// wrong, programs a rule late, or keeps flipping one.
import type { Cluster, ClusterInfo, ExecOptions, ExternalEndpoint, ExternalsProvided, PodRef, ReadyPod, ServiceAddress, ServiceRef, WaitOptions } from "../../src/cluster/port.ts";
import type { ObjectRef } from "../../src/kube/object.ts";
import { createOracle } from "../../src/oracle/oracle.ts";
import type { OracleModel, OraclePod } from "../../src/oracle/types.ts";
import type { NetworkPolicy } from "../../src/kube/network-policy.ts";
import type { ExecResult } from "../../src/probe/types.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import type { Labels } from "../../src/kube/labels.ts";
import type { Protocol } from "../../src/kube/protocol.ts";
import type { ServedPort } from "../../src/kube/ports.ts";
import type { FaultTiming, PodFault } from "../cluster/lab-faults.ts";
import type { LabCluster } from "../cluster/lab-adapter.ts";

/** One connection the CNI decides: from a pod, to a pod or an external address, on a port. */
export interface Connection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface CniBehaviour {
  /** false: a CNI that enforces nothing (flannel). Default true. */
  readonly enforce?: boolean;
  /** drop (Calico) or reject (kube-router). Default drop. */
  readonly action?: "drop" | "reject";
  /** Connections this CNI gets wrong: allows what is denied, denies what is allowed. */
  readonly flip?: (c: Connection) => boolean;
  /** Timing of the fault that denies a connection (late, flaky). */
  readonly timing?: (c: Connection) => FaultTiming | undefined;
}

const DNS_POD = "kube-system/coredns";
const DNS_PORTS: readonly ServedPort[] = [
  { port: 53, protocol: "UDP", name: "dns" },
  { port: 53, protocol: "TCP", name: "dns-tcp" },
  { port: 9153, protocol: "TCP", name: "metrics" },
];

export class OracleCni implements Cluster {
  behaviour: CniBehaviour = {};
  /** Connections the current faults deny, as `from -> to:port/protocol`. */
  denied: string[] = [];
  private objects = new Map<string, KubeObject>();
  private externals: ExternalEndpoint[] = [];

  constructor(readonly lab: LabCluster) {}

  info(): Promise<ClusterInfo> {
    return this.lab.info();
  }

  async apply(objects: readonly KubeObject[]): Promise<void> {
    await this.lab.apply(objects);
    for (const o of objects) this.objects.set(key(o.kind, o.metadata.namespace, o.metadata.name), o);
    await this.program();
  }

  async delete(refs: readonly ObjectRef[]): Promise<void> {
    await this.lab.delete(refs);
    for (const r of refs) this.objects.delete(key(r.kind, r.namespace, r.name));
    await this.program();
  }

  async waitForPods(pods: readonly PodRef[], options: WaitOptions): Promise<ReadyPod[]> {
    const ready = await this.lab.waitForPods(pods, options);
    await this.program();
    return ready;
  }

  serviceAddresses(services: readonly ServiceRef[]): Promise<ServiceAddress[]> {
    return this.lab.serviceAddresses(services);
  }

  exec(pod: PodRef, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.lab.exec(pod, argv, options);
  }

  async provideExternals(endpoints: readonly ExternalEndpoint[]): Promise<ExternalsProvided> {
    const provided = await this.lab.provideExternals(endpoints);
    // Only where a lab host stands can the lab drop anything.
    this.externals = endpoints.filter((e) => provided.served.includes(e.address));
    return provided;
  }

  created(): Promise<ObjectRef[]> {
    return this.lab.created();
  }

  /** The lab adapter's own cleanup: everything goes (deleting pods one by one is its business). */
  async cleanup(): Promise<void> {
    this.denied = [];
    this.objects.clear();
    await this.lab.cleanup();
  }

  /** The oracle's decision for every connection between what exists now, as faults. */
  private async program(): Promise<void> {
    const model = await this.model();
    const oracle = createOracle(model);
    const enforce = this.behaviour.enforce ?? true;
    const faults: { fault: PodFault; timing?: FaultTiming }[] = [];
    const denied: string[] = [];
    for (const from of model.pods) {
      if (from.id === DNS_POD) continue;
      for (const c of this.connections(from, model)) {
        const target = c.to.includes("/") ? { pod: c.to } : { ip: c.to };
        const verdict = oracle.predict({ from: c.from, to: target, port: c.port, protocol: c.protocol });
        let deny = enforce && verdict.kind === "denied";
        if (this.behaviour.flip?.(c)) deny = !deny;
        if (!deny || c.protocol === "SCTP") continue;
        const timing = this.behaviour.timing?.(c);
        denied.push(`${c.from} -> ${c.to}:${c.port}/${c.protocol}`);
        const fault: PodFault = { from: c.from, to: c.to, port: c.port, protocol: c.protocol === "TCP" ? "tcp" : "udp", action: this.behaviour.action ?? "drop" };
        faults.push(timing ? { fault, timing } : { fault });
      }
    }
    this.denied = denied;
    await this.lab.setFaults(faults);
  }

  private connections(from: OraclePod, model: OracleModel): Connection[] {
    const out: Connection[] = [];
    for (const to of model.pods) {
      if (to.id === from.id) continue;
      for (const p of to.ports) out.push({ from: from.id, to: to.id, port: p.port, protocol: p.protocol });
    }
    for (const e of this.externals) {
      for (const p of e.ports) out.push({ from: from.id, to: e.address, port: p.port, protocol: p.protocol });
    }
    return out;
  }

  private async model(): Promise<OracleModel> {
    const info = await this.lab.info();
    const all = [...this.objects.values()];
    const namespaces = [
      { name: "kube-system", labels: { "kubernetes.io/metadata.name": "kube-system" } },
      ...all.filter((o) => o.kind === "Namespace").map((o) => ({ name: o.metadata.name, labels: { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": o.metadata.name } })),
    ];
    const pods: OraclePod[] = [{ id: DNS_POD, namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: info.dns.pod?.ip ?? info.dns.serviceIp, ports: DNS_PORTS }];
    for (const o of all.filter((x) => x.kind === "Pod")) {
      const namespace = o.metadata.namespace ?? "default";
      const status = this.lab.podStatus({ namespace, name: o.metadata.name });
      if (!status?.ip) continue;
      pods.push({ id: `${namespace}/${o.metadata.name}`, namespace, labels: (o.metadata.labels ?? {}) as Labels, ip: status.ip, ports: containerPorts(o) });
    }
    const policies = all
      .filter((o) => o.apiVersion === "networking.k8s.io/v1" && o.kind === "NetworkPolicy")
      .map((o) => ({ ...o, metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? "default" } }) as unknown as NetworkPolicy);
    return { namespaces, pods, policies };
  }
}

function containerPorts(pod: KubeObject): ServedPort[] {
  const spec = pod.spec as { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: Protocol }> }> } | undefined;
  return (spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol ?? "TCP", ...(p.name !== undefined ? { name: p.name } : {}) })),
  );
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}
