import { expect } from "chai";
import { TruthTable, tableKey } from "../../src/report/truth-table.ts";

describe("report: truth table", () => {
  function table(marks: Record<string, "allow" | "deny">): TruthTable {
    const t = new TruthTable(["web", "api"], ["api", "db"]);
    for (const [k, v] of Object.entries(marks)) {
      const [row = "", column = ""] = k.split(">");
      t.set(row, column, v);
    }
    return t;
  }

  it("prints . for allowed, X for blocked, - where there is no cell", () => {
    const t = table({ "web>api": "allow", "web>db": "deny", "api>db": "allow" });
    expect(t.render()).to.deep.equal([
      "from\\to api  db",
      "web      .   X ",
      "api      -   . ",
    ]);
  });

  it("finds the cells two tables disagree on, and brackets them when printed", () => {
    const declared = table({ "web>api": "allow", "web>db": "deny", "api>db": "allow" });
    const predicted = table({ "web>api": "allow", "web>db": "allow", "api>db": "allow" });
    const diff = declared.differences(predicted);
    expect(diff).to.deep.equal([{ row: "web", column: "db" }]);
    const lines = predicted.render(new Set(diff.map((d) => tableKey(d.row, d.column))));
    expect(lines[1]).to.equal("web      .  [.]");
  });

  it("does not count unknown cells as differences", () => {
    const a = new TruthTable(["web"], ["db"]);
    const b = new TruthTable(["web"], ["db"]);
    a.set("web", "db", "unknown");
    b.set("web", "db", "deny");
    expect(a.differences(b)).to.deep.equal([]);
  });
});
