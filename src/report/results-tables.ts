// A phase's cells of a run's results as port tables (pod to pod on a numeric
// port), rows and columns in the scenario's order, and the rest as a list:
// the same split the terminal uses (matrix.ts), over the results' cells.
import type { Cell } from "../scenario/plan.ts";
import { groupResult, isMatrixCell, splitResults } from "./matrix.ts";
import type { ResultCell, Results } from "./results.ts";

export interface PortTable {
  /** e.g. `5432/TCP`. */
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  cell(row: string, column: string): ResultCell | undefined;
}

export function phaseTables(results: Results, cells: readonly ResultCell[]): { tables: PortTable[]; others: ResultCell[] } {
  const wrapped = cells.map((c) => ({ cell: asCell(c), result: c }));
  const order = results.workloads.map((w) => w.id);
  const { groups, others } = splitResults(wrapped, order);
  return {
    tables: groups.map((g) => {
      const rowAt = new Map(g.rows.map((id, i) => [id, i]));
      const columnAt = new Map(g.columns.map((id, i) => [id, i]));
      return {
        title: g.title,
        rows: g.rows,
        columns: g.columns,
        cell: (row: string, column: string) => {
          const r = rowAt.get(row);
          const c = columnAt.get(column);
          return r === undefined || c === undefined ? undefined : groupResult(g, r, c)?.result;
        },
      };
    }),
    others: others.map((o) => o.result),
  };
}

export function isTableCell(c: ResultCell): boolean {
  return isMatrixCell(asCell(c));
}

/** The fields of a plan cell the split reads. */
function asCell(c: ResultCell): Cell {
  return { key: c.key, from: c.from, to: c.to, port: c.port, protocol: c.protocol, kind: c.probe } as unknown as Cell;
}

export function labelOf(results: Results): (id: string) => string {
  const labels = new Map(results.workloads.map((w) => [w.id, w.label]));
  return (id) => labels.get(id) ?? id;
}
