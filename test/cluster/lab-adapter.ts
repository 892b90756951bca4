// The Cluster port on the network lab (test support; src/ never imports it).
//
// A pod is a lab host (its own network namespace) running the pod's own
// command from the object; a Service is a ClusterIP from 10.96.0.0/16 that the
// switch DNATs to the ready pods its selector picks; cluster DNS is the lab's
// dnsmasq answering `<service>.<namespace>.svc.cluster.local` through each
// pod's resolv.conf. NetworkPolicies (and every other kind) are stored but not
// enforced: enforcement in tests is by faults, so a test can act as a
// conformant CNI or as one that enforces nothing.
//
// Everything an HTTP stand-in of the Kubernetes API needs to put its pods here
// unchanged is public: apply/delete/waitForPods/exec with the objects it gets,
// get() and list() for what was applied, podStatus() and onPodEvent() to serve
// pod status and watches.
import { randomUUID } from "node:crypto";
import type { KubeObject, ObjectRef } from "../../src/kube/object.ts";
import type { Labels } from "../../src/kube/labels.ts";
import type {
  Cluster,
  ClusterInfo,
  ExecOptions,
  ExternalEndpoint,
  ExternalsProvided,
  PodRef,
  ReadyPod,
  ServiceAddress,
  ServiceRef,
  WaitOptions,
} from "../../src/cluster/port.ts";
import type { ExecResult } from "../../src/probe/types.ts";
import { Lab, LAB_DNS_HOST, isLabExternalAddress, type LabProcess } from "../lab/lab.ts";
import type { Fault } from "../lab/faults.ts";
import {
  LabObjectError,
  describeRef,
  keyOf,
  labelsOf,
  podShape,
  refOf,
  serviceShape,
  type FieldPath,
  type PodShape,
  type ServiceShape,
} from "./lab-objects.ts";
import { CLUSTER_DOMAIN, KUBERNETES_SERVICE_IP, SERVICE_BASE, clusterNetwork } from "./lab-network.ts";
import { isActive, nextSwitch, timed, type FaultTiming, type PodFault, type TimedFault } from "./lab-faults.ts";

export { LabObjectError } from "./lab-objects.ts";
export { CLUSTER_DOMAIN } from "./lab-network.ts";
export type { PodFault, FaultTiming } from "./lab-faults.ts";

export const LAB_NODE = "lab";
export const DNS_POD: PodRef = { namespace: "kube-system", name: "coredns" };
/** Namespaces every cluster has; not created by a run, so never listed or deleted. */
const BUILT_IN_NAMESPACES = ["default", "kube-system"];
const STDERR_TAIL = 600;

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

/** What a stand-in serves as a pod's status. */
export interface LabPodStatus {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly phase: PodPhase;
  readonly ready: boolean;
  readonly ip: string;
  readonly node: string;
  /** Why it is not ready (or why it failed); empty when ready. */
  readonly message: string;
  readonly labels: Labels;
  readonly startedAt: string;
}

export type PodEvent = { readonly type: "changed"; readonly status: LabPodStatus } | { readonly type: "deleted"; readonly pod: PodRef; readonly uid: string };

export interface AppliedEvent {
  readonly refs: readonly ObjectRef[];
  /** When apply() was called (ms since the epoch): "3 s after apply" starts here. */
  readonly at: number;
}

export interface ExecFailure {
  /** Reject the exec as a transport that cannot reach the pod does (default). */
  readonly kind: "reject" | "exit";
  readonly exitCode?: number;
  readonly message?: string;
}

interface StoredObject {
  readonly ref: ObjectRef;
  object: KubeObject;
}

interface PodState {
  readonly ref: PodRef;
  readonly key: string;
  readonly uid: string;
  readonly host: string;
  readonly ip: string;
  readonly shape: PodShape;
  labels: Labels;
  phase: PodPhase;
  ready: boolean;
  message: string;
  process?: LabProcess;
  readonly startedAt: Date;
  gone: boolean;
}

interface ServiceState {
  readonly ref: ServiceRef;
  shape: ServiceShape;
  clusterIp: string | undefined;
}

interface ExternalState {
  readonly host: string;
  readonly signature: string;
}

export interface LabClusterOptions {
  /** Lab prefix (default: a fresh `np-<pid>-<hex>-`). */
  readonly prefix?: string;
}

export class LabCluster implements Cluster {
  private readonly objects = new Map<string, StoredObject>();
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly pods = new Map<string, PodState>();
  private readonly services = new Map<string, ServiceState>();
  private readonly externals = new Map<string, ExternalState>();
  private readonly podListeners = new Set<(event: PodEvent) => void>();
  private readonly appliedListeners = new Set<(event: AppliedEvent) => void>();
  private readonly execFailures = new Map<string, ExecFailure>();
  private faults = new Map<number, TimedFault>();
  private nextFaultId = 1;
  private faultTimer: NodeJS.Timeout | undefined;
  private faultRun: Promise<void> = Promise.resolve();
  private hostSeq = 0;
  private serviceSeq = 10;
  private queue: Promise<unknown> = Promise.resolve();
  private networkDirty = false;
  private networkRun: Promise<void> | undefined;
  private lastNetwork = "";
  private closed = false;
  /** Lab hosts of deleted pods being removed; settle() waits for them. */
  private readonly removals: Promise<void>[] = [];

  private constructor(readonly lab: Lab) {
    for (const ns of BUILT_IN_NAMESPACES) this.namespaceLabels.set(ns, { "kubernetes.io/metadata.name": ns });
  }

  /** A lab with its switch and DNS server; pods come with apply(). */
  static async start(options: LabClusterOptions = {}): Promise<LabCluster> {
    const lab = await Lab.create({ pods: [], ...(options.prefix !== undefined ? { prefix: options.prefix } : {}) });
    const cluster = new LabCluster(lab);
    try {
      await cluster.refreshNetwork();
      return cluster;
    } catch (err) {
      await cluster.cleanup();
      throw err;
    }
  }

  get prefix(): string {
    return this.lab.prefix;
  }

  async info(): Promise<ClusterInfo> {
    return {
      description: `network lab ${this.lab.prefix}`,
      dns: { serviceIp: this.lab.dnsServer, pod: { ...DNS_POD, ip: this.lab.dnsServer, node: LAB_NODE } },
    };
  }

  apply(objects: readonly KubeObject[]): Promise<void> {
    const at = Date.now();
    return this.exclusive(async () => {
      const refs = await this.applyNow(objects);
      this.emitApplied({ refs, at });
    });
  }

  delete(refs: readonly ObjectRef[]): Promise<void> {
    return this.exclusive(async () => {
      for (const ref of refs) this.deleteOne(ref);
      await this.settle();
    });
  }

  async waitForPods(pods: readonly PodRef[], options: WaitOptions): Promise<ReadyPod[]> {
    this.assertOpen();
    return new Promise<ReadyPod[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let lastProgress = "";
      const finish = (fn: () => void) => {
        this.podListeners.delete(check);
        if (timer !== undefined) clearTimeout(timer);
        fn();
      };
      const check = () => {
        if (this.closed) return finish(() => reject(new Error("the lab cluster was cleaned up while waiting for pods")));
        const states = pods.map((p) => this.podOrDns(p));
        const failed = states.findIndex((s) => s !== undefined && (s.phase === "Failed" || s.phase === "Succeeded"));
        if (failed >= 0) {
          const s = states[failed] as PodState;
          return finish(() => reject(new Error(`pod ${s.key} failed: ${s.message}`)));
        }
        const ready = states.filter((s) => s?.ready).length;
        const progress = `${ready}/${pods.length} pods ready`;
        if (progress !== lastProgress) {
          lastProgress = progress;
          options.onProgress?.(progress);
        }
        if (ready === pods.length) {
          finish(() => resolve(states.map((s) => ({ namespace: s!.ref.namespace, name: s!.ref.name, ip: s!.ip, node: LAB_NODE }))));
        }
      };
      timer = setTimeout(() => {
        const waiting = pods
          .map((p) => [p, this.podOrDns(p)] as const)
          .filter(([, s]) => !s?.ready)
          .map(([p, s]) => `${p.namespace}/${p.name} (${s === undefined ? "no such pod" : s.message})`);
        finish(() => reject(new Error(`pods not ready after ${options.timeoutMs} ms: ${waiting.join(", ")}`)));
      }, options.timeoutMs);
      this.podListeners.add(check);
      check();
    });
  }

  async exec(pod: PodRef, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    this.assertOpen();
    const key = podKey(pod);
    const failure = this.execFailures.get(key);
    if (failure?.kind === "exit") return { exitCode: failure.exitCode ?? 1, stdout: "", stderr: failure.message ?? "exec failed (injected)" };
    if (failure !== undefined) throw new Error(failure.message ?? `exec in pod ${key} failed (injected)`);
    if (argv.length === 0) throw new Error("exec needs a command");
    const state = this.pods.get(key);
    if (state === undefined) throw new Error(`pod ${key} not found`);
    if (state.phase !== "Running") throw new Error(`pod ${key} is not running: ${state.message}`);
    if (options.container !== undefined && options.container !== state.shape.container) {
      throw new Error(`pod ${key} has no container ${JSON.stringify(options.container)} (it has ${state.shape.container})`);
    }
    return this.lab.transport.exec(state.host, argv, { timeoutMs: options.timeoutMs });
  }

  async serviceAddresses(services: readonly ServiceRef[]): Promise<ServiceAddress[]> {
    this.assertOpen();
    return services.map((ref) => {
      const s = this.services.get(podKey(ref));
      if (s === undefined) throw new Error(`service ${podKey(ref)} not found`);
      if (s.clusterIp === undefined) throw new Error(`service ${podKey(ref)} has no ClusterIP (headless)`);
      return { namespace: ref.namespace, name: ref.name, clusterIp: s.clusterIp };
    });
  }

  provideExternals(endpoints: readonly ExternalEndpoint[]): Promise<ExternalsProvided> {
    return this.exclusive(async () => {
      const served: string[] = [];
      const fresh: { name: string; address: string; identity: string; ports: ExternalEndpoint["ports"] }[] = [];
      for (const e of endpoints) {
        if (!isLabExternalAddress(e.address)) continue;
        const signature = JSON.stringify([e.identity, [...e.ports].map((p) => `${p.port}/${p.protocol}`).sort()]);
        const existing = this.externals.get(e.address);
        if (existing?.signature !== signature) {
          if (existing !== undefined) await this.lab.removeHost(existing.host);
          const name = `x${++this.hostSeq}`;
          this.externals.set(e.address, { host: name, signature });
          fresh.push({ name, address: e.address, identity: e.identity, ports: e.ports });
        }
        served.push(e.address);
      }
      try {
        await this.lab.addHosts([], fresh);
      } catch (err) {
        for (const f of fresh) this.externals.delete(f.address);
        throw err;
      }
      await this.applyFaults();
      return { served };
    });
  }

  async created(): Promise<ObjectRef[]> {
    return [...this.objects.values()].map((o) => o.ref);
  }

  /** Removes every namespace, process, rule and temp file; safe twice, and while something is in flight. */
  async cleanup(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.faultTimer !== undefined) clearTimeout(this.faultTimer);
    for (const pod of this.pods.values()) pod.gone = true;
    await this.lab.destroy();
    const deleted = [...this.pods.values()];
    this.pods.clear();
    this.services.clear();
    this.objects.clear();
    this.externals.clear();
    this.faults.clear();
    for (const p of deleted) this.emitPod({ type: "deleted", pod: p.ref, uid: p.uid });
    this.podListeners.clear();
    this.appliedListeners.clear();
  }

  // --- for an API stand-in ---------------------------------------------------

  /** The object as applied (a Namespace with its `kubernetes.io/metadata.name` label). */
  get(ref: ObjectRef): KubeObject | undefined {
    return this.objects.get(keyOf(ref))?.object;
  }

  /** Applied objects of a kind (in one namespace, or all). */
  list(kind: string, namespace?: string): KubeObject[] {
    return [...this.objects.values()]
      .filter((o) => o.ref.kind === kind && (namespace === undefined || o.ref.namespace === namespace))
      .map((o) => o.object);
  }

  podStatus(pod: PodRef): LabPodStatus | undefined {
    const s = this.pods.get(podKey(pod));
    return s === undefined ? undefined : statusOf(s);
  }

  /** Called on every change of a pod's status, and when a pod is deleted; returns an unsubscribe function. */
  onPodEvent(listener: (event: PodEvent) => void): () => void {
    this.podListeners.add(listener);
    return () => this.podListeners.delete(listener);
  }

  /** Called after each apply() with when it was called: tests start "late" faults from there. */
  onApplied(listener: (event: AppliedEvent) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** The labels of a namespace as applied (and of the built-in ones). */
  namespaceLabelsOf(namespace: string): Labels | undefined {
    return this.namespaceLabels.get(namespace);
  }

  /** The lab host that stands for a pod (for lab-level checks in tests). */
  hostOf(pod: PodRef): string {
    const s = this.pods.get(podKey(pod));
    if (s === undefined) throw new Error(`pod ${podKey(pod)} not found`);
    return s.host;
  }

  // --- faults ------------------------------------------------------------------

  /** Adds a fault (timed: late or flaky); returns its id for removeFault. */
  async addFault(fault: PodFault, timing?: FaultTiming): Promise<number> {
    const [id] = await this.addFaults([fault], timing);
    return id as number;
  }

  async addFaults(faults: readonly PodFault[], timing?: FaultTiming): Promise<number[]> {
    this.assertOpen();
    const now = Date.now();
    const ids = faults.map((f) => {
      checkFault(f);
      const id = this.nextFaultId++;
      this.faults.set(id, timed(f, timing, now));
      return id;
    });
    await this.applyFaults();
    return ids;
  }

  async removeFault(id: number): Promise<void> {
    this.faults.delete(id);
    await this.applyFaults();
  }

  /** Replaces every fault at once (one nft call per target whose rules change). */
  async setFaults(faults: readonly { readonly fault: PodFault; readonly timing?: FaultTiming }[]): Promise<void> {
    this.assertOpen();
    const now = Date.now();
    faults.forEach((f) => checkFault(f.fault));
    this.faults = new Map(faults.map((f) => [this.nextFaultId++, timed(f.fault, f.timing, now)]));
    await this.applyFaults();
  }

  async clearFaults(): Promise<void> {
    this.faults.clear();
    await this.applyFaults();
  }

  /** Makes every exec in the pod fail (for infra-error tests) until restoreExec. */
  failExec(pod: PodRef, failure: ExecFailure = { kind: "reject" }): void {
    this.execFailures.set(podKey(pod), failure);
  }

  restoreExec(pod: PodRef): void {
    this.execFailures.delete(podKey(pod));
  }

  // --- internals -----------------------------------------------------------------

  /** apply, delete and provideExternals run one at a time, in call order. */
  private exclusive<T>(body: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      this.assertOpen();
      return body();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the lab cluster has been cleaned up");
  }

  private async applyNow(objects: readonly KubeObject[]): Promise<ObjectRef[]> {
    // Check everything first: a bad object changes nothing.
    const namespaces = new Set(this.namespaceLabels.keys());
    const checked = objects.map((object) => {
      const ref = refOf(object);
      const where = describeRef(ref);
      const labels = labelsOf(object, where);
      if (ref.namespace !== undefined && !namespaces.has(ref.namespace)) {
        throw new LabObjectError(`${where}: namespace ${JSON.stringify(ref.namespace)} not found (apply the Namespace first)`);
      }
      if (ref.kind === "Namespace") namespaces.add(ref.name);
      const pod = ref.kind === "Pod" ? podShape(object, where) : undefined;
      const service = ref.kind === "Service" ? serviceShape(object, where) : undefined;
      if (service?.clusterIp !== undefined && service.clusterIp !== "None") this.checkRequestedIp(service.clusterIp, ref, where);
      return { object, ref, labels, pod, service };
    });

    const toCreate: { ref: PodRef; shape: PodShape; labels: Labels }[] = [];
    for (const { object, ref, labels, pod, service } of checked) {
      const key = keyOf(ref);
      let stored = object;
      if (ref.kind === "Namespace") {
        const withName = { ...labels, "kubernetes.io/metadata.name": ref.name };
        this.namespaceLabels.set(ref.name, withName);
        stored = { ...object, metadata: { ...object.metadata, labels: withName } };
      } else if (pod !== undefined) {
        const pref = { namespace: ref.namespace as string, name: ref.name };
        const existing = this.pods.get(podKey(pref));
        const pending = toCreate.findIndex((p) => podKey(p.ref) === podKey(pref));
        if (pending >= 0) toCreate.splice(pending, 1);
        if (existing !== undefined && existing.shape.specKey === pod.specKey) {
          if (JSON.stringify(existing.labels) !== JSON.stringify(labels)) {
            existing.labels = labels;
            this.emitPod({ type: "changed", status: statusOf(existing) });
          }
        } else {
          if (existing !== undefined) this.removePod(existing);
          toCreate.push({ ref: pref, shape: pod, labels });
        }
      } else if (service !== undefined) {
        const skey = podKey({ namespace: ref.namespace as string, name: ref.name });
        const existing = this.services.get(skey);
        const clusterIp = this.clusterIpFor(service, existing);
        this.services.set(skey, { ref: { namespace: ref.namespace as string, name: ref.name }, shape: service, clusterIp });
        if (clusterIp !== undefined && service.clusterIp === undefined) {
          stored = { ...object, spec: { ...(object["spec"] as object), clusterIP: clusterIp } };
        }
      }
      const previous = this.objects.get(key);
      if (previous !== undefined) previous.object = stored;
      else this.objects.set(key, { ref, object: stored });
    }
    await Promise.all(this.removals.splice(0));
    await this.createPods(toCreate);
    await this.settle();
    return checked.map((c) => c.ref);
  }

  private checkRequestedIp(ip: string, ref: ObjectRef, where: string): void {
    const m = /^10\.96\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    if (m === null || Number(m[1]) > 255 || Number(m[2]) > 254 || ip === KUBERNETES_SERVICE_IP) {
      throw new LabObjectError(`${where}: spec.clusterIP ${ip} is not a free address of the lab's Service range ${SERVICE_BASE}.0.0/16`);
    }
    const owner = [...this.services.values()].find((s) => s.clusterIp === ip);
    if (owner !== undefined && podKey(owner.ref) !== podKey({ namespace: ref.namespace as string, name: ref.name })) {
      throw new LabObjectError(`${where}: spec.clusterIP ${ip} is already allocated to service ${podKey(owner.ref)}`);
    }
  }

  private clusterIpFor(shape: ServiceShape, existing: ServiceState | undefined): string | undefined {
    if (shape.type === "ExternalName" || shape.clusterIp === "None") return undefined;
    if (shape.clusterIp !== undefined) return shape.clusterIp;
    if (existing?.clusterIp !== undefined) return existing.clusterIp;
    const used = new Set([...this.services.values()].map((s) => s.clusterIp));
    for (let i = 0; i < 65_000; i++) {
      const n = this.serviceSeq++;
      const ip = `${SERVICE_BASE}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
      if (!used.has(ip) && ip !== KUBERNETES_SERVICE_IP) return ip;
    }
    throw new Error("the lab's Service range is full");
  }

  private deleteOne(ref: ObjectRef): void {
    const key = keyOf(ref);
    const stored = this.objects.get(key);
    if (stored === undefined) return;
    this.objects.delete(key);
    if (ref.kind === "Namespace") {
      this.namespaceLabels.delete(ref.name);
      for (const o of [...this.objects.values()]) if (o.ref.namespace === ref.name) this.deleteOne(o.ref);
      if (BUILT_IN_NAMESPACES.includes(ref.name)) this.namespaceLabels.set(ref.name, { "kubernetes.io/metadata.name": ref.name });
    } else if (ref.kind === "Pod") {
      const pod = this.pods.get(podKey(ref as PodRef));
      if (pod !== undefined) this.removePod(pod);
    } else if (ref.kind === "Service") {
      this.services.delete(podKey(ref as ServiceRef));
    }
  }

  private removePod(pod: PodState): void {
    pod.gone = true;
    this.pods.delete(pod.key);
    this.removals.push(this.lab.removeHost(pod.host));
    this.emitPod({ type: "deleted", pod: pod.ref, uid: pod.uid });
  }

  private async createPods(pods: readonly { ref: PodRef; shape: PodShape; labels: Labels }[]): Promise<void> {
    if (pods.length === 0) return;
    const named = pods.map((p) => ({ ...p, host: `p${++this.hostSeq}` }));
    await this.lab.addHosts(named.map((p) => ({ name: p.host, resolvConf: podResolvConf(p.ref.namespace, this.lab.dnsServer) })));
    for (const p of named) {
      const state: PodState = {
        ref: p.ref,
        key: podKey(p.ref),
        uid: randomUUID(),
        host: p.host,
        ip: this.lab.address(p.host),
        shape: p.shape,
        labels: p.labels,
        phase: "Pending",
        ready: false,
        message: "starting",
        startedAt: new Date(),
        gone: false,
      };
      this.pods.set(state.key, state);
      this.startPod(state);
    }
  }

  private startPod(state: PodState): void {
    const argv = state.shape.argv ?? ["sleep", "infinity"];
    const fields: Record<FieldPath, string> = {
      "metadata.name": state.ref.name,
      "metadata.namespace": state.ref.namespace,
      "metadata.uid": state.uid,
      "spec.nodeName": LAB_NODE,
      "status.podIP": state.ip,
      "status.hostIP": this.lab.gateway,
    };
    const env = Object.fromEntries(state.shape.env.map((e) => [e.name, "value" in e ? e.value : fields[e.fieldPath]]));
    const proc = this.lab.spawnIn(state.host, `pod ${state.key}`, argv, { HOSTNAME: state.ref.name, ...env });
    state.process = proc;
    state.phase = "Running";
    state.message = "waiting for readiness";
    this.emitPod({ type: "changed", status: statusOf(state) });
    void proc.exited.then(({ code, signal }) => {
      if (state.gone || this.closed) return;
      const tail = proc.stderrTail().trim().slice(-STDERR_TAIL);
      state.phase = code === 0 ? "Succeeded" : "Failed";
      state.ready = false;
      state.message = `its command exited ${signal !== null ? `on ${signal}` : `with code ${String(code)}`}${tail ? `: ${tail}` : " (no stderr)"}`;
      this.emitPod({ type: "changed", status: statusOf(state) });
      void this.settle().catch(() => undefined);
    });
    void this.watchReadiness(state);
  }

  /** Polls until the pod listens on its ports and passes its readiness probe. */
  private async watchReadiness(state: PodState): Promise<void> {
    if (state.shape.initialDelayMs > 0) await sleep(state.shape.initialDelayMs);
    let pause = 25;
    while (!state.gone && !this.closed && state.phase === "Running") {
      const why = await this.notReadyBecause(state).catch((err: unknown) => `cannot check: ${String(err)}`);
      if (state.gone || this.closed || state.phase !== "Running") return;
      if (why === undefined) {
        state.ready = true;
        state.message = "";
        this.emitPod({ type: "changed", status: statusOf(state) });
        await this.settle().catch(() => undefined);
        return;
      }
      if (why !== state.message) {
        state.message = why;
        this.emitPod({ type: "changed", status: statusOf(state) });
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 400);
    }
  }

  private async notReadyBecause(state: PodState): Promise<string | undefined> {
    const listening = await this.lab.listening(state.host);
    const missing = state.shape.ports
      .filter((p) => p.protocol !== "SCTP")
      .map((p) => `${p.protocol.toLowerCase()}:${p.port}`)
      .filter((s) => !listening.has(s));
    if (missing.length > 0) return `not listening on ${missing.join(", ")}`;
    const probe = state.shape.readiness;
    if (probe === undefined) return undefined;
    switch (probe.kind) {
      case "tcp":
        return listening.has(`tcp:${probe.port}`) ? undefined : `readiness probe: nothing listens on tcp:${probe.port}`;
      case "exec": {
        const r = await this.lab.transport.exec(state.host, probe.argv, { timeoutMs: probe.timeoutMs });
        return r.exitCode === 0 ? undefined : `readiness probe exited with ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-200)}`;
      }
      case "http": {
        const url = `http://${state.ip}:${probe.port}${probe.path.startsWith("/") ? "" : "/"}${probe.path}`;
        const r = await this.lab.transport.exec(
          state.host,
          ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", String(probe.timeoutMs / 1000), "--noproxy", "*", url],
          { timeoutMs: probe.timeoutMs + 1000 },
        );
        const status = Number(r.stdout.trim());
        return status >= 200 && status < 400 ? undefined : `readiness probe: GET ${probe.path} answered ${r.stdout.trim() || "nothing"}`;
      }
    }
  }

  private podOrDns(ref: PodRef): Pick<PodState, "ref" | "key" | "ip" | "ready" | "phase" | "message"> | undefined {
    if (ref.namespace === DNS_POD.namespace && ref.name === DNS_POD.name) {
      return { ref: DNS_POD, key: podKey(DNS_POD), ip: this.lab.dnsServer, ready: true, phase: "Running", message: "" };
    }
    return this.pods.get(podKey(ref));
  }

  /** Services, DNS and faults follow the pods: recomputed after every change. */
  private async settle(): Promise<void> {
    const removals = this.removals.splice(0);
    await Promise.all(removals);
    await this.refreshNetwork();
    await this.applyFaults();
  }

  /** Coalesces concurrent refreshes: one runs, and one more after it if anything changed meanwhile. */
  private async refreshNetwork(): Promise<void> {
    this.networkDirty = true;
    while (this.networkRun !== undefined) await this.networkRun;
    if (!this.networkDirty || this.closed) return;
    this.networkDirty = false;
    this.networkRun = this.writeNetwork().finally(() => {
      this.networkRun = undefined;
    });
    await this.networkRun;
  }

  private async writeNetwork(): Promise<void> {
    const pods = [...this.pods.values()].map((p) => ({
      namespace: p.ref.namespace,
      ip: p.ip,
      labels: p.labels,
      ports: p.shape.ports,
      ready: p.ready && p.phase === "Running",
    }));
    const services = [...this.services.values()].map((s) => ({ ...s.ref, shape: s.shape, clusterIp: s.clusterIp }));
    const { rules, records } = clusterNetwork(services, pods, this.lab.dnsServer);
    const network = JSON.stringify([rules, records]);
    if (network === this.lastNetwork) return;
    await this.lab.setServices(rules);
    await this.lab.setDnsRecords("cluster", records);
    this.lastNetwork = network;
  }

  /** Puts the faults in force now into the lab, and schedules the next timed switch; one at a time. */
  private applyFaults(): Promise<void> {
    const next = this.faultRun.then(() => this.applyFaultsNow());
    this.faultRun = next.catch(() => undefined);
    return next;
  }

  private async applyFaultsNow(): Promise<void> {
    if (this.closed) return;
    if (this.faultTimer !== undefined) clearTimeout(this.faultTimer);
    this.faultTimer = undefined;
    const now = Date.now();
    const resolved: Fault[] = [];
    let next: number | undefined;
    for (const f of this.faults.values()) {
      const at = nextSwitch(f, now);
      if (at !== undefined && (next === undefined || at < next)) next = at;
      if (!isActive(f, now)) continue;
      const lab = this.labFault(f.fault);
      if (lab !== undefined) resolved.push(lab);
    }
    if (next !== undefined) {
      this.faultTimer = setTimeout(() => void this.applyFaults().catch(() => undefined), Math.max(0, next - Date.now()));
      this.faultTimer.unref();
    }
    await this.lab.setFaults(resolved);
  }

  /** The fault in lab terms; undefined while a pod or external it names does not exist. */
  private labFault(f: PodFault): Fault | undefined {
    const from = f.from === undefined ? undefined : this.pods.get(f.from)?.host;
    if (f.from !== undefined && from === undefined) return undefined;
    const to = f.to === podKey(DNS_POD) ? LAB_DNS_HOST : (this.pods.get(f.to)?.host ?? this.externals.get(f.to)?.host);
    if (to === undefined || (to !== LAB_DNS_HOST && !this.lab.hasHost(to))) return undefined;
    if (from !== undefined && !this.lab.hasHost(from)) return undefined;
    return {
      ...(from !== undefined ? { from } : {}),
      to,
      ...(f.port !== undefined ? { port: f.port } : {}),
      ...(f.protocol !== undefined ? { protocol: f.protocol } : {}),
      action: f.action,
    };
  }

  private emitPod(event: PodEvent): void {
    for (const listener of [...this.podListeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  private emitApplied(event: AppliedEvent): void {
    for (const listener of [...this.appliedListeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}

function checkFault(f: PodFault): void {
  const pod = /^[^/\s]+\/[^/\s]+$/;
  if (f.from !== undefined && !pod.test(f.from)) throw new Error(`fault from ${JSON.stringify(f.from)}: expected a pod as namespace/name`);
  if (!pod.test(f.to) && !isLabExternalAddress(f.to)) {
    throw new Error(`fault to ${JSON.stringify(f.to)}: expected a pod as namespace/name or a lab external address`);
  }
}

export function podKey(ref: PodRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function statusOf(s: PodState): LabPodStatus {
  return {
    namespace: s.ref.namespace,
    name: s.ref.name,
    uid: s.uid,
    phase: s.phase,
    ready: s.ready,
    ip: s.ip,
    node: LAB_NODE,
    message: s.message,
    labels: s.labels,
    startedAt: s.startedAt.toISOString(),
  };
}

/** As kubelet writes it for a pod with the ClusterFirst DNS policy. */
function podResolvConf(namespace: string, nameserver: string): string {
  return `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver ${nameserver}\noptions ndots:5\n`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
