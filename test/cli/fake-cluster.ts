// An in-memory Cluster for unit tests of the live wiring: it records what was
// applied and deleted, gives pods and Services addresses, and answers runner
// execs from a function of (client pod, probe). End-to-end tests use the lab
// adapter instead; this only checks the orchestration.
import { ARGS_PER_PROBE } from "../../src/probe/encode.ts";
import type { ExecResult } from "../../src/probe/types.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import type { Cluster, ClusterInfo, ExecOptions, ExternalEndpoint, ExternalsProvided, PodRef, ReadyPod, ServiceAddress, WaitOptions } from "../../src/cluster/port.ts";
import type { ObjectRef } from "../../src/kube/object.ts";

export interface FakeProbe {
  readonly kind: string;
  /** Host, or the name for DNS probes. */
  readonly host: string;
  readonly port: number;
  readonly identity: string;
}

/** `<outcome> <ms> <detail>` for the probe, as the runner would print it. */
export type FakeNetwork = (from: PodRef, probe: FakeProbe, now: number) => string;

export class FakeCluster implements Cluster {
  readonly applied: KubeObject[][] = [];
  readonly deleted: ObjectRef[][] = [];
  readonly execs: { pod: PodRef; probes: number }[] = [];
  readonly events: string[] = [];
  cleanups = 0;
  private readonly live = new Map<string, KubeObject>();
  private readonly ips = new Map<string, string>();

  constructor(
    private readonly network: FakeNetwork,
    private readonly options: { serveExternals?: boolean; failApply?: string } = {},
  ) {}

  async info(): Promise<ClusterInfo> {
    return { description: "fake", dns: { serviceIp: "10.43.0.10" } };
  }

  async apply(objects: readonly KubeObject[]): Promise<void> {
    if (this.options.failApply && objects.some((o) => o.kind === this.options.failApply)) throw new Error(`the fake refuses ${this.options.failApply}`);
    this.applied.push([...objects]);
    this.events.push(`apply ${objects.map((o) => o.kind).join(",")}`);
    for (const o of objects) {
      const key = refKey(o.kind, o.metadata.namespace, o.metadata.name);
      this.live.set(key, o);
      if (!this.ips.has(key)) this.ips.set(key, o.kind === "Service" ? `10.43.1.${this.ips.size + 1}` : `10.42.1.${this.ips.size + 1}`);
    }
  }

  async delete(refs: readonly ObjectRef[]): Promise<void> {
    this.deleted.push([...refs]);
    this.events.push(`delete ${refs.map((r) => r.name).join(",")}`);
    for (const r of refs) this.live.delete(refKey(r.kind, r.namespace, r.name));
  }

  async waitForPods(pods: readonly PodRef[], _options: WaitOptions): Promise<ReadyPod[]> {
    this.events.push(`wait ${pods.length}`);
    return pods.map((p) => {
      const ip = this.ips.get(refKey("Pod", p.namespace, p.name));
      if (!ip) throw new Error(`no pod ${p.namespace}/${p.name}`);
      return { ...p, ip, node: "fake-node" };
    });
  }

  async serviceAddresses(services: readonly PodRef[]): Promise<ServiceAddress[]> {
    return services.map((s) => {
      const clusterIp = this.ips.get(refKey("Service", s.namespace, s.name));
      if (!clusterIp) throw new Error(`no service ${s.namespace}/${s.name}`);
      return { ...s, clusterIp };
    });
  }

  async exec(pod: PodRef, argv: readonly string[], _options: ExecOptions): Promise<ExecResult> {
    const args = argv.slice(5);
    const lines: string[] = [];
    let probes = 0;
    for (let i = 0; i < args.length; i += ARGS_PER_PROBE) {
      probes++;
      const [id = "", kind = "", host = "", port = "0", , a = ""] = args.slice(i, i + ARGS_PER_PROBE);
      lines.push(`${id} ${this.network(pod, { kind, host, port: Number(port), identity: a }, Date.now())}`);
    }
    this.execs.push({ pod, probes });
    return { exitCode: 0, stdout: lines.map((l) => `${l}\n`).join(""), stderr: "" };
  }

  async provideExternals(endpoints: readonly ExternalEndpoint[]): Promise<ExternalsProvided> {
    return { served: this.options.serveExternals ? endpoints.map((e) => e.address) : [] };
  }

  async created(): Promise<ObjectRef[]> {
    return [...this.live.values()].map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) }));
  }

  async cleanup(): Promise<void> {
    this.cleanups++;
    this.events.push("cleanup");
    this.live.clear();
  }

  /** The ClusterIP the fake gave a Service. */
  serviceIpOf(namespace: string, name: string): string | undefined {
    return this.ips.get(refKey("Service", namespace, name));
  }

  /** The pod IP the fake gave a pod. */
  ipOf(namespace: string, name: string): string | undefined {
    return this.ips.get(refKey("Pod", namespace, name));
  }
}

function refKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}
