// `--enforce-as-predicted`: the stand-in acts as a conformant CNI by turning
// the oracle's denials into lab faults. After every change to pods,
// namespaces or NetworkPolicies it asks the oracle about each (client pod,
// server pod, declared port) and drops what the oracle denies. Traffic to
// addresses outside the cluster (ipBlock egress) is not enforced: the stand-in
// does not know which external ports a run will probe.
import { createOracle } from "../../src/oracle/index.ts";
import type { OracleModel, OraclePod } from "../../src/oracle/types.ts";
import type { NetworkPolicy } from "../../src/kube/network-policy.ts";
import type { PodFault } from "../cluster/lab-faults.ts";
import type { Store, StoredObject } from "./store.ts";
import type { ResourceTable } from "./resources.ts";

export interface FaultSink {
  setFaults(faults: readonly { readonly fault: PodFault }[]): Promise<void>;
}

export class PredictedEnforcer {
  private queued = false;
  private running: Promise<void> = Promise.resolve();
  private lastKey = "";

  constructor(
    private readonly store: Store,
    private readonly resources: ResourceTable,
    private readonly sink: FaultSink,
  ) {}

  /** Recomputes soon; changes that come together are enforced together. */
  changed(): void {
    if (this.queued) return;
    this.queued = true;
    this.running = this.running.then(async () => {
      this.queued = false;
      await this.enforce();
    });
  }

  settled(): Promise<void> {
    return this.running;
  }

  /** The faults a conformant CNI would amount to for what the store holds now. */
  faults(): PodFault[] {
    const model = this.model();
    const oracle = createOracle(model);
    const faults: PodFault[] = [];
    for (const from of model.pods) {
      for (const to of model.pods) {
        if (from.id === to.id) continue; // upstream ignores a pod talking to itself (CNIs differ on hairpin)
        for (const port of to.ports) {
          if (port.protocol === "SCTP") continue; // the lab's faults cover tcp and udp
          const p = oracle.predict({ from: from.id, to: { pod: to.id }, port: port.port, protocol: port.protocol });
          if (p.kind === "denied") faults.push({ from: from.id, to: to.id, port: port.port, protocol: port.protocol === "UDP" ? "udp" : "tcp", action: "drop" });
        }
      }
    }
    return faults;
  }

  private async enforce(): Promise<void> {
    const faults = this.faults();
    const key = JSON.stringify(faults);
    if (key === this.lastKey) return;
    await this.sink.setFaults(faults.map((fault) => ({ fault })));
    this.lastKey = key;
  }

  private model(): OracleModel {
    const kind = (group: string, plural: string) => this.resources.find(group, "v1", plural)!;
    const namespaces = this.store.list(kind("", "namespaces")).map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {} }));
    const pods: OraclePod[] = this.store
      .list(kind("", "pods"))
      .filter((p) => (p.status as { podIP?: string } | undefined)?.podIP)
      .map((p) => ({
        id: `${p.metadata.namespace}/${p.metadata.name}`,
        namespace: p.metadata.namespace!,
        labels: p.metadata.labels ?? {},
        ip: (p.status as { podIP: string }).podIP,
        ports: containerPorts(p),
      }));
    const policies = this.store.list(kind("networking.k8s.io", "networkpolicies")).map(
      (o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace }, spec: o.spec }) as unknown as NetworkPolicy,
    );
    return { namespaces, pods, policies };
  }
}

function containerPorts(pod: StoredObject): OraclePod["ports"] {
  const containers = (pod.spec as { containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] }).containers ?? [];
  return containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      port: p.containerPort,
      protocol: (p.protocol ?? "TCP") as "TCP" | "UDP" | "SCTP",
      ...(p.name ? { name: p.name } : {}),
    })),
  ) as unknown as OraclePod["ports"];
}
