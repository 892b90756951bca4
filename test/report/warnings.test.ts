import { expect } from "chai";
import { warningLines } from "../../src/report/warnings.ts";
import type { Style } from "../../src/report/style.ts";

describe("report: warnings", () => {
  it("gives one line per warning with file:line:column, field and message", () => {
    const lines = warningLines(
      [{ at: { file: "scenarios/x.yaml", line: 7, column: 9 }, field: "manifests[0].inline.spec.podSelector", message: "podSelector matches no workload" }],
    );
    expect(lines).to.deep.equal([
      "warning: scenarios/x.yaml:7:9: manifests[0].inline.spec.podSelector: podSelector matches no workload",
    ]);
  });

  it("styles each line as a warning", () => {
    const marked: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => `<y>${s}</y>` };
    const [line] = warningLines([{ at: { file: "f.yaml", line: 1 }, field: "f", message: "m" }], marked);
    expect(line).to.equal("<y>warning: f.yaml:1: f: m</y>");
  });
});
