// Splits a phase's results into truth tables (one per port/protocol, for
// workload-to-workload cells on numeric ports) and the remaining cells
// (DNS, external, Service, HTTP, named ports), which read better as a list.

import type { Cell } from "../scenario/plan.ts";

export interface MatrixGroup<R> {
  /** e.g. `8080/TCP`. */
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly results: ReadonlyMap<string, R>;
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

/** `workloadOrder` gives the row and column order (the scenario's order). */
export function splitResults<R extends { readonly cell: Cell }>(
  results: readonly R[],
  workloadOrder: readonly string[],
): SplitResults<R> {
  const byGroup = new Map<string, { rows: Set<string>; columns: Set<string>; results: Map<string, R> }>();
  const others: R[] = [];
  for (const r of results) {
    const { cell } = r;
    if (!isMatrixCell(cell) || cell.to.kind !== "workload") {
      others.push(r);
      continue;
    }
    const title = `${cell.port}/${cell.protocol}`;
    let group = byGroup.get(title);
    if (!group) {
      group = { rows: new Set(), columns: new Set(), results: new Map() };
      byGroup.set(title, group);
    }
    group.rows.add(cell.from);
    group.columns.add(cell.to.workload);
    group.results.set(`${cell.from}\u0000${cell.to.workload}`, r);
  }
  const order = (ids: Set<string>) => workloadOrder.filter((w) => ids.has(w));
  // Every table gets every source as a row, so tables line up and a pod's
  // own cell shows as "-" rather than a missing row.
  const sources = order(new Set([...byGroup.values()].flatMap((g) => [...g.rows])));
  const groups = [...byGroup.entries()]
    .sort(([a], [b]) => comparePortTitles(a, b))
    .map(([title, g]) => ({ title, rows: sources, columns: order(g.columns), results: g.results }));
  return { groups, others };
}

export function groupResult<R>(group: MatrixGroup<R>, row: string, column: string): R | undefined {
  return group.results.get(`${row}\u0000${column}`);
}

function comparePortTitles(a: string, b: string): number {
  const [pa = "", qa = ""] = a.split("/");
  const [pb = "", qb = ""] = b.split("/");
  return Number(pa) - Number(pb) || qa.localeCompare(qb);
}
