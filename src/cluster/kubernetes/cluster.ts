// The Cluster port over any kubeconfig, through @kubernetes/client-node:
// server-side apply (field manager `netproof`, force), readiness by polling,
// exec over the websocket channel protocol. It touches only objects carrying
// this run's labels, and cleanup deletes the run's namespaces and waits for
// them to go.
import { CoreV1Api, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import type { KubeObject, ObjectRef } from "../../kube/object.ts";
import type { ExecResult } from "../../probe/types.ts";
import { UserError } from "../../user-error.ts";
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
} from "../port.ts";
import { apiFailure, isNotFound } from "./api-error.ts";
import { isCrd, waitEstablished } from "./crd.ts";
import { execInPod } from "./exec.ts";
import type { LoadedKubeconfig } from "./kubeconfig.ts";
import { deleteNamespacesAndWait } from "./namespaces.ts";
import { ObjectApi, sendAsIs, toModel } from "./object-api.ts";
import { describe, isOwnedBy, runSelector, withRunLabels } from "./ownership.ts";
import { waitForPods } from "./readiness.ts";

export const FIELD_MANAGER = "netproof";

export interface KubernetesClusterOptions {
  readonly runId: string;
  /** How long cleanup waits for the run's namespaces to go. */
  readonly cleanupTimeoutMs?: number;
  /** How long apply waits for a CustomResourceDefinition to be Established. */
  readonly crdTimeoutMs?: number;
}

export class KubernetesCluster implements Cluster {
  readonly runId: string;
  private readonly objects: ObjectApi;
  private readonly core: CoreV1Api;
  /** Applied and not deleted, in apply order; keys are `apiVersion|kind|namespace|name`. */
  private readonly applied = new Map<string, ObjectRef>();
  private readonly containers = new Map<string, string>();

  constructor(
    readonly kubeconfig: LoadedKubeconfig,
    private readonly options: KubernetesClusterOptions,
  ) {
    this.runId = options.runId;
    this.objects = ObjectApi.forConfig(kubeconfig.kc);
    this.core = kubeconfig.kc.makeApiClient(CoreV1Api);
  }

  async info(): Promise<ClusterInfo> {
    const k = this.kubeconfig;
    const description = `kubeconfig ${k.file} (context ${k.context}${k.contextFromFile ? ", the file's current context" : ""}; server ${k.server})`;
    return { description, dns: await this.clusterDns() };
  }

  async apply(objects: readonly KubeObject[]): Promise<void> {
    for (const raw of objects) {
      const object = withRunLabels(raw, this.runId);
      await this.checkMayWrite(object);
      sendAsIs(object.apiVersion, object.kind);
      try {
        await this.objects.patch(
          toModel(object) as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        );
      } catch (error) {
        throw new UserError({ message: `applying ${describe(object)} failed: ${apiFailure(error).message}` });
      }
      const ref = refOf(object);
      this.applied.set(keyOf(ref), ref);
      if (isCrd(object)) await waitEstablished(this.objects, object.metadata.name, this.options.crdTimeoutMs ?? 30_000);
    }
  }

  async delete(refs: readonly ObjectRef[]): Promise<void> {
    for (const ref of refs) {
      const current = await this.read(ref);
      if (!current) {
        this.applied.delete(keyOf(ref));
        continue;
      }
      if (!isOwnedBy(current.metadata?.labels, this.runId)) {
        throw new UserError({ message: `refusing to delete ${describe(ref)}: it was not created by this netproof run` });
      }
      try {
        await this.objects.delete(headerOf(ref), undefined, undefined, undefined, undefined, "Background");
      } catch (error) {
        if (!isNotFound(error)) throw new Error(`deleting ${describe(ref)}: ${apiFailure(error).message}`);
      }
      this.applied.delete(keyOf(ref));
    }
  }

  waitForPods(pods: readonly PodRef[], options: WaitOptions): Promise<ReadyPod[]> {
    return waitForPods(this.core, pods, options);
  }

  async serviceAddresses(services: readonly ServiceRef[]): Promise<ServiceAddress[]> {
    const out: ServiceAddress[] = [];
    for (const ref of services) {
      const service = await this.core.readNamespacedService({ namespace: ref.namespace, name: ref.name }).catch((error: unknown) => {
        const why = isNotFound(error) ? "does not exist" : apiFailure(error).message;
        throw new Error(`Service ${ref.namespace}/${ref.name} ${why}`);
      });
      const clusterIp = service.spec?.clusterIP;
      if (!clusterIp || clusterIp === "None") throw new Error(`Service ${ref.namespace}/${ref.name} has no ClusterIP (headless)`);
      out.push({ namespace: ref.namespace, name: ref.name, clusterIp });
    }
    return out;
  }

  async exec(pod: PodRef, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const container = options.container ?? (await this.firstContainer(pod));
    return execInPod(this.kubeconfig.kc, pod, argv, { ...options, container });
  }

  /** A cluster reached through a kubeconfig has no place netproof may put servers outside it. */
  async provideExternals(_endpoints: readonly ExternalEndpoint[]): Promise<ExternalsProvided> {
    return { served: [] };
  }

  async created(): Promise<ObjectRef[]> {
    return [...this.applied.values()];
  }

  async cleanup(): Promise<void> {
    // The namespaces are found by label, not from memory, so a run that
    // failed half-way through apply still removes what reached the server.
    const list = await this.core.listNamespace({ labelSelector: runSelector(this.runId) });
    const namespaces = list.items.map((n) => n.metadata?.name ?? "").filter(Boolean);
    const clusterScoped = [...this.applied.values()].filter((r) => !r.namespace && r.kind !== "Namespace").reverse();
    await deleteNamespacesAndWait(this.core, namespaces, this.options.cleanupTimeoutMs ?? 120_000);
    for (const ref of this.applied.values()) if (ref.namespace || ref.kind === "Namespace") this.applied.delete(keyOf(ref));
    await this.delete(clusterScoped);
  }

  /** Refuses to write over what this run did not create, and anything outside the run's namespaces. */
  private async checkMayWrite(object: KubeObject): Promise<void> {
    const kind = await this.objects.kindInfo(object.apiVersion, object.kind).catch((error: unknown) => {
      throw new UserError({ message: `discovery for ${object.apiVersion} failed: ${apiFailure(error).message}` });
    });
    if (!kind) {
      throw new UserError({
        message: `the cluster does not serve ${object.kind} in ${object.apiVersion} (needed by ${describe(object)})`,
        hint: "is the CRD installed, or the API group enabled?",
      });
    }
    const namespace = object.metadata.namespace;
    if (kind.namespaced && !namespace) {
      throw new UserError({ message: `${describe(object)} is namespaced but names no namespace` });
    }
    if (kind.namespaced && namespace) {
      const ns = await this.read({ apiVersion: "v1", kind: "Namespace", name: namespace });
      if (ns && !isOwnedBy(ns.metadata?.labels, this.runId)) {
        throw new UserError({
          message: `refusing to apply ${describe(object)}: namespace ${namespace} was not created by this netproof run`,
        });
      }
      return;
    }
    const current = await this.read(refOf(object));
    if (current && !isOwnedBy(current.metadata?.labels, this.runId)) {
      throw new UserError({
        message: `refusing to apply ${describe(object)}: it already exists and was not created by this netproof run`,
      });
    }
  }

  private async read(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    try {
      return await this.objects.read(headerOf(ref));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new Error(`reading ${describe(ref)}: ${apiFailure(error).message}`);
    }
  }

  private async firstContainer(pod: PodRef): Promise<string> {
    const key = `${pod.namespace}/${pod.name}`;
    const known = this.containers.get(key);
    if (known) return known;
    const object = await this.core.readNamespacedPod({ namespace: pod.namespace, name: pod.name }).catch((error: unknown) => {
      throw new Error(`exec in pod ${key}: ${apiFailure(error).message}`);
    });
    const name = object.spec?.containers[0]?.name;
    if (!name) throw new Error(`exec in pod ${key}: the pod has no containers`);
    this.containers.set(key, name);
    return name;
  }

  private async clusterDns(): Promise<ClusterInfo["dns"]> {
    const services = await this.core.listNamespacedService({ namespace: "kube-system", labelSelector: "k8s-app=kube-dns" });
    const service = services.items.find((s) => s.spec?.clusterIP && s.spec.clusterIP !== "None");
    if (!service?.spec?.clusterIP) {
      throw new UserError({
        message: "the cluster has no DNS Service (a Service labelled k8s-app=kube-dns in kube-system)",
        hint: "netproof's DNS probes need the cluster DNS; kube-dns and CoreDNS installs carry that label",
      });
    }
    const pods = await this.core.listNamespacedPod({ namespace: "kube-system", labelSelector: "k8s-app=kube-dns" });
    for (const pod of pods.items) {
      const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      const ip = pod.status?.podIP;
      if (ready && ip && pod.metadata?.name) {
        return {
          serviceIp: service.spec.clusterIP,
          pod: { namespace: "kube-system", name: pod.metadata.name, ip, node: pod.spec?.nodeName ?? "" },
        };
      }
    }
    return { serviceIp: service.spec.clusterIP };
  }
}

function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind } = object;
  const { name, namespace } = object.metadata;
  return namespace ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
}

function headerOf(ref: ObjectRef): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name },
  };
}

function keyOf(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}
