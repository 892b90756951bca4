import { expect } from "chai";
import type { Prediction } from "../../src/oracle/types.ts";
import { compareLiveCell, observedReach } from "../../src/verdict/observed.ts";
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
    expect(compareLiveCell(cell({ kind: "deny", at }), denied, { final: { kind: "timeout" }, stability: "late" })).to.deep.equal({ kind: "late", observed: "deny" });
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
});
