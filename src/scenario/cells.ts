// Cells without their declared value, their stable keys, and the matrix:
// every managed workload to every other, on each of the target's served ports.

import type { Protocol } from "../kube/protocol.ts";
import type { Cell, HttpCheck, PlannedWorkload, ProbeKind, Target } from "./plan.ts";

export type CellSpec = Omit<Cell, "declared">;

export function probeKindOf(protocol: Protocol): ProbeKind {
  switch (protocol) {
    case "TCP":
      return "tcp";
    case "UDP":
      return "udp";
    case "SCTP":
      return "sctp";
  }
}

/** `shop/web -> shop/api:8080/TCP`, `shop/web -> service:shop/api:http/TCP`, `shop/web -> dns:name`, … */
export function cellKey(from: string, to: Target, port: number | string, protocol: Protocol, http?: HttpCheck): string {
  const suffix = http ? ` http ${http.method} ${http.path}` : "";
  switch (to.kind) {
    case "workload":
      return `${from} -> ${to.workload}:${port}/${protocol}${suffix}`;
    case "service":
      return `${from} -> service:${to.workload}:${port}/${protocol}${suffix}`;
    case "external": {
      const address = to.address.includes(":") ? `[${to.address}]` : to.address;
      return `${from} -> external:${address}:${port}/${protocol}${suffix}`;
    }
    case "dns":
      return `${from} -> dns:${to.name}`;
  }
}

export function makeCell(from: string, to: Target, port: number | string, protocol: Protocol, kind: ProbeKind, http?: HttpCheck): CellSpec {
  const key = cellKey(from, to, port, protocol, kind === "http" ? http : undefined);
  return http && kind === "http" ? { key, from, to, port, protocol, kind, http } : { key, from, to, port, protocol, kind };
}

/** DNS cells probe the cluster DNS on 53/UDP. */
export function dnsCell(from: string, name: string): CellSpec {
  return makeCell(from, { kind: "dns", name }, 53, "UDP", "dns");
}

/** Managed × managed × the target's served ports, without hairpin (a workload to itself). */
export function matrixCells(workloads: readonly PlannedWorkload[]): CellSpec[] {
  const managed = workloads.filter((w) => w.managed);
  const cells: CellSpec[] = [];
  for (const from of managed) {
    for (const to of managed) {
      if (from.id === to.id) continue;
      for (const p of to.ports) {
        cells.push(makeCell(from.id, { kind: "workload", workload: to.id }, p.port, p.protocol, probeKindOf(p.protocol)));
      }
    }
  }
  return cells;
}
