// Cells turned into probes: which pod runs each one, at which address and port,
// and what a netproof server there must answer. Addresses are the real ones of
// this run (pod IPs, Service ClusterIPs, the externals the cluster serves).
import type { Protocol } from "../kube/protocol.ts";
import type { ServedPort } from "../kube/ports.ts";
import type { Cell, Phase, PlannedWorkload } from "../scenario/plan.ts";
import type { ExternalEndpoint, PodRef } from "../cluster/port.ts";
import type { ProbeSpec } from "../probe/types.ts";
import { workloadIdentity } from "./objects.ts";

/** Where everything of the run really is. */
export interface LiveAddresses {
  /** Workload id -> its pod on the cluster, with IP (cluster DNS included when known). */
  readonly pods: ReadonlyMap<string, PodRef & { readonly ip: string }>;
  /** Workload id -> its Service's ClusterIP (cluster DNS: the DNS Service). */
  readonly services: ReadonlyMap<string, string>;
  /** External addresses where a netproof server answers. */
  readonly servedExternals: ReadonlySet<string>;
}

const DNS_PORT = 53;

export type CellProbe =
  | {
      readonly kind: "probe";
      readonly cell: Cell;
      /** The client pod, as the probe Transport names it: `<namespace>/<name>`. */
      readonly client: string;
      readonly pod: PodRef;
      readonly spec: ProbeSpec;
      /**
       * A server is known to listen where the probe goes, so a refusal can only
       * be the network's (some CNIs reject instead of dropping).
       */
      readonly listening: boolean;
      /** A netproof server answers there: a drop and an allowed connection differ. */
      readonly netproofServer: boolean;
    }
  | { readonly kind: "unprobeable"; readonly cell: Cell; readonly reason: string };

export function clientName(pod: PodRef): string {
  return `${pod.namespace}/${pod.name}`;
}

export function parseClientName(client: string): PodRef {
  const slash = client.indexOf("/");
  return { namespace: client.slice(0, slash), name: client.slice(slash + 1) };
}

export function cellProbes(phase: Phase, clusterDns: string, live: LiveAddresses): CellProbe[] {
  const workloads = new Map(phase.workloads.map((w) => [w.id, w]));
  return phase.cells.map((cell) => cellProbe(cell, workloads, clusterDns, live));
}

function cellProbe(cell: Cell, workloads: ReadonlyMap<string, PlannedWorkload>, clusterDns: string, live: LiveAddresses): CellProbe {
  const unprobeable = (reason: string): CellProbe => ({ kind: "unprobeable", cell, reason });
  const pod = live.pods.get(cell.from);
  if (!pod) return unprobeable(`${cell.from} has no pod on the cluster to probe from`);
  const base = { kind: "probe" as const, cell, client: clientName(pod), pod: { namespace: pod.namespace, name: pod.name } };
  const id = cell.key;

  if (cell.to.kind === "dns") {
    // Through the pod's own resolver, as the application would.
    return { ...base, spec: { id, kind: "dns", name: cell.to.name }, listening: true, netproofServer: false };
  }

  let host: string | undefined;
  let served: readonly ServedPort[];
  let identity: string | undefined;
  let listensAtAll: boolean;
  if (cell.to.kind === "external") {
    host = cell.to.address;
    served = [];
    listensAtAll = live.servedExternals.has(host);
    identity = listensAtAll ? externalIdentity(host) : undefined;
  } else {
    const target = workloads.get(cell.to.workload);
    if (!target) return unprobeable(`${cell.to.workload} is not a workload of this phase`);
    host = cell.to.kind === "workload" ? live.pods.get(target.id)?.ip : live.services.get(target.id);
    if (host === undefined) {
      return unprobeable(
        cell.to.kind === "workload"
          ? `the cluster did not report a pod IP for ${target.id}`
          : `${target.id} has no Service with a ClusterIP (it serves no ports, or the cluster did not report it)`,
      );
    }
    served = target.ports;
    listensAtAll = true;
    identity = target.managed && target.id !== clusterDns ? workloadIdentity(target) : undefined;
  }

  const port = resolvePort(cell.port, cellProtocol(cell), served);
  if (port === undefined) return unprobeable(`the target has no ${cellProtocol(cell)} port named ${String(cell.port)}`);
  // netproof's servers listen on every declared port; of the cluster's own DNS
  // only DNS itself is certain (its metrics port may be off, or elsewhere).
  const declared = served.some((p) => p.port === port && p.protocol === cellProtocol(cell));
  const listening =
    cell.to.kind === "external" ? listensAtAll : cell.to.workload === clusterDns ? declared && port === DNS_PORT : declared;
  const netproofServer = identity !== undefined && listening;

  if (cell.kind === "http") {
    const http = cell.http ?? { method: "GET", path: "/" };
    return { ...base, spec: { id, kind: "http", host, port, method: http.method, path: http.path }, listening, netproofServer };
  }
  const kind = cell.kind;
  if (kind === "dns") return unprobeable("a DNS probe needs a DNS name as its target");
  const spec: ProbeSpec =
    netproofServer && identity !== undefined ? { id, kind, host, port, expectIdentity: identity } : { id, kind, host, port };
  return { ...base, spec, listening, netproofServer };
}

/** A numeric port as is; a name against the target's containerPorts of that protocol. */
export function resolvePort(port: number | string, protocol: Protocol, served: readonly ServedPort[]): number | undefined {
  if (typeof port === "number") return port;
  return served.find((p) => p.name === port && p.protocol === protocol)?.port;
}

function cellProtocol(cell: Cell): Protocol {
  return cell.kind === "http" ? "TCP" : cell.protocol;
}

export function externalIdentity(address: string): string {
  return `external/${address}`;
}

/** The externals the plan's cells reach, with every port asked of them (all phases). */
export function externalEndpoints(phases: readonly Phase[]): ExternalEndpoint[] {
  const byAddress = new Map<string, Map<string, { port: number; protocol: Protocol }>>();
  for (const phase of phases) {
    for (const cell of phase.cells) {
      if (cell.to.kind !== "external" || typeof cell.port !== "number") continue;
      const ports = byAddress.get(cell.to.address) ?? new Map<string, { port: number; protocol: Protocol }>();
      const protocol = cellProtocol(cell);
      ports.set(`${cell.port}/${protocol}`, { port: cell.port, protocol });
      byAddress.set(cell.to.address, ports);
    }
  }
  return [...byAddress].map(([address, ports]) => ({
    address,
    ports: [...ports.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol)),
    identity: externalIdentity(address),
  }));
}
