// Splits a phase's results into truth tables (one per port/protocol, for
// workload-to-workload cells on numeric ports) and the remaining cells
// (DNS, external, Service, HTTP, named ports), which read better as a list.
// Tables are flat arrays indexed by row and column position: a million cells
// cost no key strings.

import type { Protocol } from "../kube/protocol.ts";
import type { Cell } from "../scenario/plan.ts";

export interface MatrixGroup<R> {
  /** e.g. `8080/TCP`. */
  readonly title: string;
  /** Workload ids. */
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** results[row * columns.length + column]; undefined where there is no cell. */
  readonly results: readonly (R | undefined)[];
}

export interface SplitResults<R> {
  readonly groups: readonly MatrixGroup<R>[];
  readonly others: readonly R[];
}

export function isMatrixCell(cell: Cell): boolean {
  return (
    cell.to.kind === "workload" &&
    typeof cell.port === "number" &&
    (cell.kind === "tcp" || cell.kind === "udp" || cell.kind === "sctp")
  );
}

interface Building<R> {
  readonly port: number;
  readonly protocol: Protocol;
  readonly columns: Set<string>;
  readonly entries: R[];
}

/** `workloadOrder` gives the row and column order (the scenario's order). */
export function splitResults<R extends { readonly cell: Cell }>(
  results: readonly R[],
  workloadOrder: readonly string[],
): SplitResults<R> {
  const byPort = new Map<number, Map<Protocol, Building<R>>>();
  const sources = new Set<string>();
  const others: R[] = [];
  for (const r of results) {
    const { cell } = r;
    if (!isMatrixCell(cell) || cell.to.kind !== "workload" || typeof cell.port !== "number") {
      others.push(r);
      continue;
    }
    let protocols = byPort.get(cell.port);
    if (!protocols) {
      protocols = new Map();
      byPort.set(cell.port, protocols);
    }
    let group = protocols.get(cell.protocol);
    if (!group) {
      group = { port: cell.port, protocol: cell.protocol, columns: new Set(), entries: [] };
      protocols.set(cell.protocol, group);
    }
    sources.add(cell.from);
    group.columns.add(cell.to.workload);
    group.entries.push(r);
  }
  const order = (ids: Set<string>) => workloadOrder.filter((w) => ids.has(w));
  // Every table gets every source as a row, so tables line up and a pod's
  // own cell shows as "-" rather than a missing row.
  const rows = order(sources);
  const rowIndex = new Map(rows.map((id, i) => [id, i]));
  const groups = [...byPort.values()]
    .flatMap((protocols) => [...protocols.values()])
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol))
    .map((g): MatrixGroup<R> => {
      const columns = order(g.columns);
      const columnIndex = new Map(columns.map((id, i) => [id, i]));
      const table = new Array<R | undefined>(rows.length * columns.length);
      for (const r of g.entries) {
        const { cell } = r;
        if (cell.to.kind !== "workload") continue;
        const row = rowIndex.get(cell.from);
        const column = columnIndex.get(cell.to.workload);
        if (row !== undefined && column !== undefined) table[row * columns.length + column] = r;
      }
      return { title: `${g.port}/${g.protocol}`, rows, columns, results: table };
    });
  return { groups, others };
}

export function groupResult<R>(group: MatrixGroup<R>, row: number, column: number): R | undefined {
  return group.results[row * group.columns.length + column];
}
