import { expect } from "chai";
import type { Prediction } from "../../src/oracle/types.ts";
import { compareLiveCell, observeSamples, observedReach, type TimedSample } from "../../src/verdict/observed.ts";
import type { Observation } from "../../src/probe/types.ts";
import { at, dbCell as cell, denied } from "./fixtures.ts";

const allowed: Prediction = { kind: "allowed", egress: { kind: "not-isolated" }, ingress: { kind: "not-isolated" } };

describe("verdict: declared vs predicted vs observed", () => {
  it("passes when all three agree", () => {
    const v = compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "timeout" }, stability: "stable" });
    expect(v).to.deep.equal({ kind: "pass" });
  });

  it("blames the CNI when declared = predicted but the network differs", () => {
    const v = compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "connected" }, stability: "stable" });
    expect(v).to.deep.equal({ kind: "cni-mismatch", expected: "deny", observed: "allow" });
  });

  it("blames the scenario when declared ≠ predicted, whatever was observed", () => {
    const v = compareLiveCell(cell({ kind: "allow", at }), denied, { final: { kind: "timeout" }, stability: "stable" });
    expect(v.kind).to.equal("expectation-mismatch");
  });

  it("never reads a probe that could not run as a denial", () => {
    const v = compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "error", detail: "nc: not found" }, stability: "stable" });
    expect(v).to.deep.equal({ kind: "infra-error", detail: "nc: not found" });
  });

  it("reports late and flaky cells as such", () => {
    expect(compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "timeout" }, stability: "late", settledAfterMs: 3100 })).to.deep.equal({
      kind: "late",
      observed: "deny",
      latencyMs: 3100,
    });
    expect(compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "timeout" }, stability: "flaky" }).kind).to.equal("flaky");
  });

  it("compares undeclared cells with the oracle", () => {
    expect(compareLiveCell(cell({ kind: "oracle" }), allowed, { final: { kind: "connected" }, stability: "stable" }).kind).to.equal("pass");
    expect(compareLiveCell(cell({ kind: "oracle" }), allowed, { final: { kind: "timeout" }, stability: "stable" }).kind).to.equal("cni-mismatch");
  });

  it("checks the HTTP status the author declared", () => {
    const c = cell({ kind: "allow", at }, "http", 200);
    expect(compareLiveCell(c, allowed, { final: { kind: "http", status: 200 }, stability: "stable" }).kind).to.equal("pass");
    expect(compareLiveCell(c, allowed, { final: { kind: "http", status: 503 }, stability: "stable" })).to.deep.equal({
      kind: "expectation-mismatch",
      detail: "HTTP 503, expected 200",
    });
  });

  it("reads DNS answers by what they prove about reachability", () => {
    expect(observedReach("dns", { kind: "connected", detail: "10.43.0.1" })).to.equal("allow");
    expect(observedReach("dns", { kind: "dns-error", detail: "nxdomain" })).to.equal("allow");
    expect(observedReach("dns", { kind: "timeout" })).to.equal("deny");
    expect(observedReach("tcp", { kind: "dns-error", detail: "nxdomain" })).to.have.property("error");
  });

  it("counts a refusal as a denial only where a server is known to listen", () => {
    const refused = { final: { kind: "refused" as const }, stability: "stable" as const };
    expect(compareLiveCell(cell({ kind: "deny", at }), denied, refused)).to.deep.equal({ kind: "pass" });
    const closed = compareLiveCell(cell({ kind: "deny", at }), denied, { ...refused, listening: false });
    expect(closed.kind).to.equal("inconclusive");
  });

  it("does not call silence at an address nothing of netproof's serves a denial", () => {
    const silent = compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "timeout" }, stability: "stable", answers: false });
    expect(silent).to.deep.include({ kind: "inconclusive" });
    // A connection there still proves the traffic was allowed.
    const through = compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "connected" }, stability: "stable", answers: false });
    expect(through).to.deep.equal({ kind: "cni-mismatch", expected: "deny", observed: "allow" });
  });

  describe("samples over time", () => {
    const s = (kind: "connected" | "timeout", at: number): TimedSample => ({ observation: { kind } as Observation, at });
    const err = (at: number): TimedSample => ({ observation: { kind: "error", detail: "exec failed" }, at });

    it("measures how long after the change the answer that held was first seen", () => {
      const o = observeSamples([s("connected", 1_000), s("connected", 2_000), s("timeout", 3_400), s("timeout", 4_500)], {
        k: 2,
        settled: true,
        changedAt: 400,
      });
      expect(o).to.deep.include({ stability: "late", settledAfterMs: 3_000, final: { kind: "timeout" } });
      expect(compareLiveCell(cell({ kind: "deny", at }), denied, o)).to.deep.equal({ kind: "late", observed: "deny", latencyMs: 3_000 });
    });

    it("reads an alternating answer as flaky, and one the engine gave up on as unsettled", () => {
      const alternating = [s("connected", 1), s("timeout", 2), s("connected", 3), s("timeout", 4), s("timeout", 5)];
      expect(observeSamples(alternating, { k: 2, settled: true, changedAt: 0 }).stability).to.equal("flaky");
      expect(observeSamples(alternating.slice(0, 4), { k: 2, settled: false, changedAt: 0 }).stability).to.equal("unsettled");
    });

    it("keeps errors out of the timing and the class, but an error at the end is an infra-error", () => {
      const o = observeSamples([err(10), s("timeout", 20), s("timeout", 30)], { k: 2, settled: true, changedAt: 0 });
      expect(o).to.deep.include({ stability: "stable", settledAfterMs: 20 });
      const broken = observeSamples([err(10), err(20)], { k: 2, settled: true, changedAt: 0 });
      expect(compareLiveCell(cell({ kind: "deny", at }), denied, broken)).to.deep.equal({ kind: "infra-error", detail: "exec failed" });
    });
  });
});
