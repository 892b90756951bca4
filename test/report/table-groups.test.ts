import { expect } from "chai";
import { groupTable, WILDCARD } from "../../src/report/table-groups.ts";

/** A table from rows of characters: "." 0, "X" 1, "-" the diagonal (wildcard). */
function table(lines: readonly string[]): { rows: number; columns: number; values: Uint8Array } {
  const rows = lines.length;
  const columns = lines[0]?.length ?? 0;
  const values = new Uint8Array(rows * columns);
  lines.forEach((line, r) => [...line].forEach((ch, c) => (values[r * columns + c] = ch === "-" ? WILDCARD : ch === "." ? 0 : 1)));
  return { rows, columns, values };
}

/** Each workload's peer is its neighbour within its block of `size` (a namespace, say). */
function peers(n: number, size: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i % size === 0 ? i + 1 : i - 1));
}

describe("report: groups of identical rows and columns", () => {
  it("folds two namespaces that only reach themselves into a 2 x 2 table, the diagonal included", () => {
    const t = table(["-..XXX", ".-.XXX", "..-XXX", "XXX-..", "XXX.-.", "XXX..-"]);
    const g = groupTable(t.rows, t.columns, t.values, peers(6, 3), peers(6, 3));
    expect(g).to.not.equal(undefined);
    expect([...(g?.rowGroup ?? [])]).to.deep.equal([0, 0, 0, 1, 1, 1]);
    expect([...(g?.columnGroup ?? [])]).to.deep.equal([0, 0, 0, 1, 1, 1]);
    expect([...(g?.blocks ?? [])]).to.deep.equal([0, 1, 1, 0]);
  });

  it("keeps a row that differs in one cell apart", () => {
    const t = table(["-..XXX", ".-.XX.", "..-XXX", "XXX-..", "XXX.-.", "XXX..-"]);
    const g = groupTable(t.rows, t.columns, t.values, peers(6, 3), peers(6, 3));
    expect(g?.rowGroups).to.equal(3);
    expect(g?.rowGroup[1]).to.not.equal(g?.rowGroup[0]);
    // Every block of the result holds one value.
    for (let r = 0; r < t.rows; r++) {
      for (let c = 0; c < t.columns; c++) {
        const v = t.values[r * t.columns + c];
        if (v === WILDCARD) continue;
        expect(g?.blocks[(g.rowGroup[r] ?? 0) * g.columnGroups + (g.columnGroup[c] ?? 0)], `cell ${r},${c}`).to.equal(v);
      }
    }
  });

  it("groups a checkerboard's alike rows, and splits them where the peer guess is wrong", () => {
    const t = table(["-X.X", "X-X.", ".X-X", "X.X-"]);
    // Rows 0 and 2 are the same once the diagonal takes the twin's value; so are 1 and 3.
    const twins = Int32Array.from([2, 3, 0, 1]);
    const g = groupTable(t.rows, t.columns, t.values, twins, twins);
    expect(g?.rowGroups).to.equal(2);
    expect([...(g?.rowGroup ?? [])]).to.deep.equal([0, 1, 0, 1]);
    const wrong = Int32Array.from([1, 0, 3, 2]);
    expect(groupTable(t.rows, t.columns, t.values, wrong, wrong)?.rowGroups).to.equal(4);
    for (let r = 0; r < t.rows; r++) {
      for (let c = 0; c < t.columns; c++) {
        const v = t.values[r * t.columns + c];
        if (v !== WILDCARD) expect(g?.blocks[(g.rowGroup[r] ?? 0) * g.columnGroups + (g.columnGroup[c] ?? 0)]).to.equal(v);
      }
    }
  });

  it("merges nothing when there is no peer to stand in for the diagonal", () => {
    const t = table(["-..", ".-.", "..-"]);
    const none = Int32Array.from([-1, -1, -1]);
    const g = groupTable(t.rows, t.columns, t.values, none, none);
    expect(g?.rowGroups).to.equal(3);
  });
});
