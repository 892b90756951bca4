// A phase's namespaces and workloads as Kubernetes objects: a Namespace per
// managed namespace, one netshoot Pod per managed workload (its server on every
// declared port, and the place where the probe runner is exec'd: every workload
// is also a client) and a ClusterIP Service with the same ports. The cluster
// DNS workload is the cluster's own and is never rendered.
import type { KubeObject } from "../kube/object.ts";
import type { Labels } from "../kube/labels.ts";
import type { ServedPort } from "../kube/ports.ts";
import type { Phase, PlannedWorkload } from "../scenario/plan.ts";
import { METADATA_NAME } from "../scenario/model.ts";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL, type PodRef } from "../cluster/port.ts";
import type { ObjectRef } from "../kube/object.ts";
import { serverArgv } from "../probe/servers.ts";
import { NETSHOOT_IMAGE } from "./image.ts";
import { identityMapping, type NamespaceMapping } from "./namespaces.ts";

/** Selects a workload's pod for its Service; the workload's own labels may be shared. */
export const WORKLOAD_LABEL = "netproof.dev/workload";
export const CONTAINER_NAME = "netproof";

export interface RenderContext {
  /** Goes into RUN_LABEL: lower-case letters, digits and dashes. */
  readonly runId: string;
  readonly image?: string;
  readonly mapNamespace?: NamespaceMapping;
}

export interface WorkloadObjects {
  readonly namespaces: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
  readonly services: readonly KubeObject[];
}

/** The labels every object of the run carries (see port.ts). */
export function ownershipLabels(runId: string): Labels {
  return { [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: runId };
}

export function renderWorkloads(phase: Phase, ctx: RenderContext): WorkloadObjects {
  const map = ctx.mapNamespace ?? identityMapping;
  const owned = ownershipLabels(ctx.runId);
  const namespaces = phase.namespaces
    .filter((ns) => ns.managed)
    .map((ns): KubeObject => {
      const name = map(ns.name);
      return {
        apiVersion: "v1",
        kind: "Namespace",
        // Kubernetes sets kubernetes.io/metadata.name to the real name itself.
        metadata: { name, labels: { ...ns.labels, ...owned, [METADATA_NAME]: name } },
      };
    });
  const managed = phase.workloads.filter((w) => w.managed);
  return {
    namespaces,
    pods: managed.map((w) => renderPod(w, map(w.namespace), ctx.image ?? NETSHOOT_IMAGE, owned)),
    services: managed.filter((w) => w.ports.length > 0).map((w) => renderService(w, map(w.namespace), owned)),
  };
}

/** The pod a workload runs as, on the cluster. */
export function podRefOf(workload: PlannedWorkload, map: NamespaceMapping = identityMapping): PodRef {
  return { namespace: map(workload.namespace), name: workload.name };
}

export function objectRef(object: KubeObject): ObjectRef {
  const { namespace } = object.metadata;
  return namespace === undefined
    ? { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name }
    : { apiVersion: object.apiVersion, kind: object.kind, namespace, name: object.metadata.name };
}

/** What a server answers with: the workload id, as planned (it survives namespace renames). */
export function workloadIdentity(workload: PlannedWorkload): string {
  return workload.id;
}

// A workload without ports serves nothing (the server script would exit at
// once): it only needs to stay up as a client.
const KEEP_ALIVE = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done';
// A UDP-only pod has no TCP port to check; ss lists the listener once socat is up.
const UDP_READY = 'ss -Hlnu "sport = :$1" | grep -q .';

function renderPod(w: PlannedWorkload, namespace: string, image: string, owned: Labels): KubeObject {
  const command = w.ports.length > 0 ? serverArgv(workloadIdentity(w), w.ports) : ["sh", "-c", KEEP_ALIVE, "netproof-client"];
  const readiness = readinessProbe(w.ports);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: w.name, namespace, labels: { ...w.labels, ...owned, [WORKLOAD_LABEL]: w.name } },
    spec: {
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // On a cluster with several nodes the run's pods spread over them, so
      // cells cross nodes and cross-node enforcement is exercised. Soft: a
      // single-node cluster schedules them all the same.
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { [RUN_LABEL]: owned[RUN_LABEL] ?? "" } },
        },
      ],
      containers: [
        {
          name: CONTAINER_NAME,
          image,
          command,
          ...(w.ports.length > 0 ? { ports: w.ports.map(containerPort) } : {}),
          ...(readiness ? { readinessProbe: readiness } : {}),
        },
      ],
    },
  };
}

function containerPort(p: ServedPort): Record<string, unknown> {
  return { ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.port, protocol: p.protocol };
}

function readinessProbe(ports: readonly ServedPort[]): Record<string, unknown> | undefined {
  const timing = { periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3 };
  const tcp = ports.find((p) => p.protocol === "TCP");
  if (tcp) return { tcpSocket: { port: tcp.port }, ...timing };
  const udp = ports.find((p) => p.protocol === "UDP");
  if (udp) return { exec: { command: ["sh", "-c", UDP_READY, "netproof-ready", String(udp.port)] }, ...timing };
  return undefined;
}

function renderService(w: PlannedWorkload, namespace: string, owned: Labels): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: w.name, namespace, labels: { ...owned } },
    spec: {
      type: "ClusterIP",
      selector: { [WORKLOAD_LABEL]: w.name, [RUN_LABEL]: owned[RUN_LABEL] ?? "" },
      ports: w.ports.map((p) => ({
        // Kubernetes wants a name on every port once there are two.
        name: p.name ?? `${p.protocol.toLowerCase()}-${p.port}`,
        port: p.port,
        targetPort: p.port,
        protocol: p.protocol,
      })),
    },
  };
}
