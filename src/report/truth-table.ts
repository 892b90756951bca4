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
    const rowWidth = Math.max(7, ...this.rows.map((r) => r.length));
    const colWidth = Math.max(3, ...this.columns.map((c) => c.length));
    const header = `${"from\\to".padEnd(rowWidth)} ${this.columns.map((c) => c.padStart(colWidth)).join(" ")}`;
    const lines = [header];
    for (const row of this.rows) {
      const marks = this.columns.map((column) => {
        const char = MARK_CHAR[this.get(row, column)];
        const text = flagged.has(key(row, column)) ? `[${char}]` : ` ${char} `;
        return text.padStart(colWidth);
      });
      lines.push(`${row.padEnd(rowWidth)} ${marks.join(" ")}`);
    }
    return lines;
  }
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
