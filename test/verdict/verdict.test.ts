import { expect } from "chai";
import { comparePlanCell, summarisePlan } from "../../src/verdict/verdict.ts";
import { allowed, at, dbCell as cell, denied } from "./fixtures.ts";

describe("verdict: declared vs predicted", () => {
  it("passes when declared and predicted agree", () => {
    expect(comparePlanCell(cell({ kind: "allow", at }), allowed).verdict).to.deep.equal({ kind: "pass" });
    expect(comparePlanCell(cell({ kind: "deny", at }), denied).verdict).to.deep.equal({ kind: "pass" });
  });

  it("reports an expectation mismatch in both directions", () => {
    expect(comparePlanCell(cell({ kind: "deny", at }), allowed).verdict).to.deep.equal({
      kind: "expectation-mismatch",
      declared: "deny",
      predicted: "allow",
    });
    expect(comparePlanCell(cell({ kind: "allow", at }), denied).verdict).to.deep.equal({
      kind: "expectation-mismatch",
      declared: "allow",
      predicted: "deny",
    });
  });

  it("lets the oracle decide cells nobody declared", () => {
    const r = comparePlanCell(cell({ kind: "oracle" }), denied);
    expect(r.declared).to.equal("oracle");
    expect(r.verdict.kind).to.equal("pass");
  });

  it("keeps an unanswerable cell apart from a denial", () => {
    const r = comparePlanCell(cell({ kind: "deny", at }), { kind: "invalid", reason: "no port named http" });
    expect(r.verdict).to.deep.equal({ kind: "invalid", reason: "no port named http" });
  });

  it("counts the outcomes of every phase", () => {
    const s = summarisePlan([
      { phase: "initial", cells: [comparePlanCell(cell({ kind: "allow", at }), allowed), comparePlanCell(cell({ kind: "oracle" }), denied)] },
      { phase: "later", cells: [comparePlanCell(cell({ kind: "allow", at }), denied), comparePlanCell(cell({ kind: "allow", at }), { kind: "invalid", reason: "x" })] },
    ]);
    expect(s).to.deep.equal({ cells: 4, pass: 2, mismatches: 1, invalid: 1, undeclared: 1, ok: false });
  });

  it("is ok only when no cell disagrees and none is invalid", () => {
    const passing = [comparePlanCell(cell({ kind: "allow", at }), allowed), comparePlanCell(cell({ kind: "oracle" }), denied)];
    expect(summarisePlan([{ phase: "initial", cells: passing }]).ok).to.equal(true);
    const invalid = comparePlanCell(cell({ kind: "oracle" }), { kind: "invalid", reason: "no such port" });
    expect(summarisePlan([{ phase: "initial", cells: [...passing, invalid] }]).ok).to.equal(false);
    expect(summarisePlan([]).ok).to.equal(true);
  });
});
