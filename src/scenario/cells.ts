// Cells without their declared value, their stable keys, and the matrix:
// every managed workload to every other, on each of the target's served ports.

import type { Cell, HttpCheck, PlannedWorkload, ProbeKind, Protocol, Target } from "./plan.ts";

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
export function matrixCells(workloads: readonly PlannedWorkload[]): readonly CellSpec[] {
  return matrixLayout(workloads).cells;
}

export interface MatrixLayout {
  /** From-major: every source, then every target, then the target's ports. */
  readonly cells: readonly CellSpec[];
  /** slots[i]: which (target, port) cells[i] goes to, 0 … slotCount - 1. */
  readonly slots: Uint32Array;
  readonly slotCount: number;
  /** Whether a cell (a statement names, say) is one of the matrix's cells. */
  readonly has: (cell: CellSpec) => boolean;
}

/**
 * The matrix, with each cell's (target, port) slot so that later stages can
 * work per target and port without building keys. Cells to one target share
 * one `to` object.
 */
export function matrixLayout(workloads: readonly PlannedWorkload[]): MatrixLayout {
  const managed = workloads.filter((w) => w.managed);
  const targets = managed.map((w) => ({
    id: w.id,
    to: { kind: "workload", workload: w.id } as const satisfies Target,
    ports: w.ports.map((p) => ({ port: p.port, protocol: p.protocol, kind: probeKindOf(p.protocol) })),
    firstSlot: 0,
  }));
  let slotCount = 0;
  for (const t of targets) {
    t.firstSlot = slotCount;
    slotCount += t.ports.length;
  }
  const total = managed.length * slotCount - targets.reduce((n, t) => n + t.ports.length, 0);
  const cells = new Array<CellSpec>(total);
  const slots = new Uint32Array(total);
  let i = 0;
  for (const from of managed) {
    const source = from.id;
    for (const t of targets) {
      if (t.id === source) continue;
      for (let p = 0; p < t.ports.length; p++) {
        const port = t.ports[p] as (typeof t.ports)[number];
        cells[i] = { key: `${source} -> ${t.id}:${port.port}/${port.protocol}`, from: source, to: t.to, port: port.port, protocol: port.protocol, kind: port.kind };
        slots[i] = t.firstSlot + p;
        i++;
      }
    }
  }
  const managedIds = new Set(managed.map((w) => w.id));
  const served = new Map(targets.map((t) => [t.id, t.ports]));
  const has = (cell: CellSpec): boolean => {
    if (cell.to.kind !== "workload" || typeof cell.port !== "number" || cell.from === cell.to.workload || !managedIds.has(cell.from)) return false;
    const ports = served.get(cell.to.workload);
    return ports !== undefined && ports.some((p) => p.port === cell.port && p.protocol === cell.protocol && p.kind === cell.kind);
  };
  return { cells, slots, slotCount, has };
}
