import { expect } from "chai";
import { liveOutcome, summariseLive, type CellLiveResult } from "../../src/verdict/live-summary.ts";
import type { LiveVerdict } from "../../src/verdict/observed.ts";
import { at, dbCell, denied } from "./fixtures.ts";

const result = (verdict: LiveVerdict): CellLiveResult => ({
  cell: dbCell({ kind: "deny", at }),
  declared: "deny",
  predicted: denied,
  observed: { final: { kind: "timeout" }, stability: "stable" },
  verdict,
  samples: [],
});

describe("verdict: a live run as a whole", () => {
  it("counts late cells as passed, inconclusive and infra errors apart from failures", () => {
    const s = summariseLive([
      {
        cells: [
          result({ kind: "pass" }),
          result({ kind: "late", observed: "deny", latencyMs: 3100 }),
          result({ kind: "inconclusive", detail: "x" }),
          result({ kind: "infra-error", detail: "exec failed" }),
        ],
      },
    ]);
    expect(s).to.deep.include({ cells: 4, passed: 2, late: 1, failed: 0, infraErrors: 1, inconclusive: 1 });
    expect(liveOutcome(s)).to.equal("infra-error");
  });

  it("puts a wrong answer before a cell that could not be probed", () => {
    const s = summariseLive([{ cells: [result({ kind: "flaky" }), result({ kind: "infra-error", detail: "x" })] }]);
    expect(liveOutcome(s)).to.equal("failures");
    expect(liveOutcome(summariseLive([{ cells: [result({ kind: "pass" }), result({ kind: "inconclusive", detail: "x" })] }]))).to.equal("pass");
  });
});
