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
export function matrixCells(workloads: readonly PlannedWorkload[]): readonly CellSpec[] {
  const m = matrixLayout(workloads);
  return Array.from({ length: m.count }, (_, i) => m.cell(i));
}

/** One target and port of the matrix: every cell to it shares these. */
export interface MatrixSlot {
  readonly to: Target & { readonly kind: "workload" };
  readonly port: number;
  readonly protocol: Protocol;
  readonly kind: ProbeKind;
}

export interface MatrixLayout {
  readonly count: number;
  readonly slots: readonly MatrixSlot[];
  /** Cell i goes from sources[source[i]] to slots[slot[i]]; from-major: source, then target, then port. */
  readonly sources: readonly string[];
  readonly source: Uint32Array;
  readonly slot: Uint32Array;
  /** Cell i's key. */
  key(i: number): string;
  cell(i: number): CellSpec;
  /** Whether a cell (a statement names, say) is one of the matrix's cells. */
  has(cell: CellSpec): boolean;
}

/**
 * The matrix as two arrays of numbers (source and (target, port) slot per
 * cell) instead of a million objects; Cells are made from it phase by phase.
 * A key is the source's prefix joined to the slot's suffix, both shared.
 */
export function matrixLayout(workloads: readonly PlannedWorkload[]): MatrixLayout {
  const managed = workloads.filter((w) => w.managed);
  const slots: MatrixSlot[] = [];
  const suffixes: string[] = [];
  const firstSlot: number[] = [];
  for (const w of managed) {
    firstSlot.push(slots.length);
    const to = { kind: "workload", workload: w.id } as const;
    for (const p of w.ports) {
      slots.push({ to, port: p.port, protocol: p.protocol, kind: probeKindOf(p.protocol) });
      suffixes.push(`${w.id}:${p.port}/${p.protocol}`);
    }
  }
  const count = managed.length * slots.length - slots.length;
  const source = new Uint32Array(count);
  const slot = new Uint32Array(count);
  let i = 0;
  managed.forEach((from, f) => {
    const own = firstSlot[f] ?? 0;
    const ownEnd = own + from.ports.length;
    for (let s = 0; s < slots.length; s++) {
      if (s >= own && s < ownEnd) continue;
      source[i] = f;
      slot[i] = s;
      i++;
    }
  });
  const sources = managed.map((w) => w.id);
  const prefixes = sources.map((id) => `${id} -> `);
  const key = (n: number) => (prefixes[source[n] ?? 0] ?? "") + (suffixes[slot[n] ?? 0] ?? "");
  const managedIds = new Set(sources);
  const served = new Map<string, MatrixSlot[]>();
  for (const s of slots) {
    const list = served.get(s.to.workload);
    if (list) list.push(s);
    else served.set(s.to.workload, [s]);
  }
  return {
    count,
    slots,
    sources,
    source,
    slot,
    key,
    cell(n) {
      const s = slots[slot[n] ?? 0] as MatrixSlot;
      return { key: key(n), from: sources[source[n] ?? 0] ?? "", to: s.to, port: s.port, protocol: s.protocol, kind: s.kind };
    },
    has(cell) {
      if (cell.to.kind !== "workload" || typeof cell.port !== "number" || cell.from === cell.to.workload || !managedIds.has(cell.from)) return false;
      const ports = served.get(cell.to.workload);
      return ports !== undefined && ports.some((p) => p.port === cell.port && p.protocol === cell.protocol && p.kind === cell.kind);
    },
  };
}
