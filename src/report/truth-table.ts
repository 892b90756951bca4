// A matrix of reachability, rows = from, columns = to, as the Kubernetes
// netpol e2e suite prints it: `.` allowed, `X` blocked. Comparison returns
// another table, so printing a diff is printing a table.

export type Mark = "allow" | "deny" | "unknown" | "none";

export class TruthTable {
  private readonly cells = new Map<string, Mark>();

  constructor(
    readonly rows: readonly string[],
    readonly columns: readonly string[],
  ) {}

  set(row: string, column: string, mark: Mark): void {
    this.cells.set(key(row, column), mark);
  }

  get(row: string, column: string): Mark {
    return this.cells.get(key(row, column)) ?? "none";
  }

  /** Cells where both tables hold a definite value and the values differ. */
  differences(other: TruthTable): Array<{ row: string; column: string }> {
    const out: Array<{ row: string; column: string }> = [];
    for (const row of this.rows) {
      for (const column of this.columns) {
        const a = this.get(row, column);
        const b = other.get(row, column);
        if (isDefinite(a) && isDefinite(b) && a !== b) out.push({ row, column });
      }
    }
    return out;
  }

  /**
   * Lines of text; `flagged` cells are bracketed so a disagreement stands out
   * even without colour.
   */
  render(flagged: ReadonlySet<string> = new Set()): string[] {
    return renderTable(
      this.rows,
      this.columns,
      (r, c) => this.get(this.rows[r] ?? "", this.columns[c] ?? ""),
      (r, c) => flagged.has(key(this.rows[r] ?? "", this.columns[c] ?? "")),
    );
  }
}

/**
 * The lines of a table given by position: rows = from, columns = to.
 * `flagged` cells are bracketed.
 */
export function renderTable(
  rows: readonly string[],
  columns: readonly string[],
  mark: (row: number, column: number) => Mark,
  flagged: (row: number, column: number) => boolean,
): string[] {
  const rowWidth = rows.reduce((n, r) => Math.max(n, r.length), 7);
  const colWidth = columns.reduce((n, c) => Math.max(n, c.length), 3);
  const header = `${"from\\to".padEnd(rowWidth)} ${columns.map((c) => c.padStart(colWidth)).join(" ")}`;
  const lines = [header];
  rows.forEach((row, r) => {
    const marks = columns.map((_, c) => {
      const char = MARK_CHAR[mark(r, c)];
      const text = flagged(r, c) ? `[${char}]` : ` ${char} `;
      return text.padStart(colWidth);
    });
    lines.push(`${row.padEnd(rowWidth)} ${marks.join(" ")}`);
  });
  return lines;
}

export function tableKey(row: string, column: string): string {
  return key(row, column);
}

const MARK_CHAR: Record<Mark, string> = { allow: ".", deny: "X", unknown: "?", none: "-" };

function key(row: string, column: string): string {
  return `${row}\u0000${column}`;
}

function isDefinite(mark: Mark): boolean {
  return mark === "allow" || mark === "deny";
}
