// A minimal backing Cluster for the stand-in's own tests: a "pod" is a record,
// ready at once on node "host" with 127.0.0.1, and exec runs the argv on this
// machine (never through a shell). It stands in only until a test needs real
// pod networking; end-to-end tests use the lab adapter.
import { execa } from "execa";
import type { KubeObject } from "../../src/kube/object.ts";
import type { ExecResult } from "../../src/probe/types.ts";
import type { Cluster, ClusterInfo, ExecOptions, PodRef, ReadyPod, WaitOptions } from "../../src/cluster/port.ts";
import type { ObjectRef } from "../../src/kube/object.ts";

export class HostCluster implements Cluster {
  readonly objects = new Map<string, KubeObject>();
  /** Every call, in order, so tests can check what the stand-in forwarded. */
  readonly calls: string[] = [];

  async info(): Promise<ClusterInfo> {
    return { description: "host", dns: { serviceIp: "10.43.0.10" } };
  }

  async apply(objects: readonly KubeObject[]): Promise<void> {
    for (const o of objects) {
      this.calls.push(`apply ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`);
      this.objects.set(key(o.kind, o.metadata.namespace, o.metadata.name), o);
    }
  }

  async delete(refs: readonly ObjectRef[]): Promise<void> {
    for (const r of refs) {
      this.calls.push(`delete ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`);
      this.objects.delete(key(r.kind, r.namespace, r.name));
    }
  }

  async waitForPods(pods: readonly PodRef[], options: WaitOptions): Promise<ReadyPod[]> {
    const missing = pods.filter((p) => !this.objects.has(key("Pod", p.namespace, p.name)));
    if (missing.length) {
      await new Promise((r) => setTimeout(r, Math.min(options.timeoutMs, 100)));
      throw new Error(`no such pods: ${missing.map((p) => `${p.namespace}/${p.name}`).join(", ")}`);
    }
    return pods.map((p) => ({ ...p, ip: "127.0.0.1", node: "host" }));
  }

  async serviceAddresses(services: readonly PodRef[]): Promise<{ namespace: string; name: string; clusterIp: string }[]> {
    return services.map((r) => {
      const ip = (this.objects.get(key("Service", r.namespace, r.name))?.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (!ip) throw new Error(`Service ${r.namespace}/${r.name} has no ClusterIP here`);
      return { ...r, clusterIp: ip };
    });
  }

  async exec(pod: PodRef, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    if (!this.objects.has(key("Pod", pod.namespace, pod.name))) throw new Error(`no pod ${pod.namespace}/${pod.name}`);
    const [file, ...args] = argv;
    const r = await execa(file!, args, { reject: false, timeout: options.timeoutMs, stdin: "ignore", stripFinalNewline: false });
    if (r.timedOut) return { exitCode: 124, stdout: String(r.stdout), stderr: String(r.stderr) };
    if (r.exitCode === undefined) throw new Error(r.shortMessage);
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async provideExternals(): Promise<{ served: string[] }> {
    return { served: [] };
  }

  async created(): Promise<ObjectRef[]> {
    return [...this.objects.values()].map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
  }

  async cleanup(): Promise<void> {
    this.objects.clear();
  }
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}
