// Groups of identical rows and of identical columns, so that a truth table of
// a thousand workloads prints as a table of a few groups. A workload's own
// cell (the diagonal) is no cell: it would make every row unique, so it is
// compared as the value of a peer (another workload the caller expects to
// behave alike, e.g. one with the same labels in the same namespace). A wrong
// guess only splits a group; it never merges rows that differ, and every
// block is checked: the caller prints groups only when each block holds one
// value.

/** Values are 0 … 254; WILDCARD marks a cell that is no cell (the diagonal). */
export const WILDCARD = 255;

export interface Grouping {
  /** Group of each row, numbered by first appearance. */
  readonly rowGroup: Int32Array;
  readonly columnGroup: Int32Array;
  readonly rowGroups: number;
  readonly columnGroups: number;
  /** blocks[g * columnGroups + h]: the one value of that block, or WILDCARD if it only holds wildcards. */
  readonly blocks: Uint8Array;
}

/**
 * `values[r * columns + c]`. `rowPeer[r]` is the column whose value stands in
 * for row r's wildcards (-1: none), `columnPeer[c]` the row for column c's.
 * Undefined when some block would hold two values (then print every row).
 */
export function groupTable(
  rows: number,
  columns: number,
  values: Uint8Array,
  rowPeer: Int32Array,
  columnPeer: Int32Array,
): Grouping | undefined {
  const row = new Uint8Array(columns);
  const rowGroups = classify(rows, (r) => {
    const peer = rowPeer[r] ?? -1;
    const fill = peer >= 0 ? (values[r * columns + peer] ?? WILDCARD) : WILDCARD;
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c] ?? WILDCARD;
      row[c] = v === WILDCARD ? fill : v;
    }
    return row;
  });
  const column = new Uint8Array(rows);
  const columnGroups = classify(columns, (c) => {
    const peer = columnPeer[c] ?? -1;
    const fill = peer >= 0 ? (values[peer * columns + c] ?? WILDCARD) : WILDCARD;
    for (let r = 0; r < rows; r++) {
      const v = values[r * columns + c] ?? WILDCARD;
      column[r] = v === WILDCARD ? fill : v;
    }
    return column;
  });
  const blocks = new Uint8Array(rowGroups.count * columnGroups.count).fill(WILDCARD);
  for (let r = 0; r < rows; r++) {
    const base = (rowGroups.groups[r] ?? 0) * columnGroups.count;
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c] ?? WILDCARD;
      if (v === WILDCARD) continue;
      const b = base + (columnGroups.groups[c] ?? 0);
      const seen = blocks[b] ?? WILDCARD;
      if (seen === WILDCARD) blocks[b] = v;
      else if (seen !== v) return undefined;
    }
  }
  return { rowGroup: rowGroups.groups, columnGroup: columnGroups.groups, rowGroups: rowGroups.count, columnGroups: columnGroups.count, blocks };
}

/** Items with identical vectors share a group; groups are numbered by first appearance. */
function classify(count: number, vector: (i: number) => Uint8Array): { groups: Int32Array; count: number } {
  const groups = new Int32Array(count);
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const key = Buffer.from(vector(i)).toString("latin1");
    let g = seen.get(key);
    if (g === undefined) {
      g = seen.size;
      seen.set(key, g);
    }
    groups[i] = g;
  }
  return { groups, count: seen.size };
}
