import { expect } from "chai";
import type { Observation } from "../../src/probe/types.ts";
import { classifyHistory, historyTiming } from "../../src/verdict/history.ts";

const c: Observation = { kind: "connected" };
const t: Observation = { kind: "timeout" };
const h200: Observation = { kind: "http", status: 200 };
const h503: Observation = { kind: "http", status: 503 };
const e: Observation = { kind: "error", detail: "connected but no identity answered, expected b" };

describe("verdict: history classes", () => {
  it("classifies histories as stable, late or flaky", () => {
    expect(classifyHistory([c, c], 2)).to.equal("stable");
    expect(classifyHistory([t, t, c, c], 2)).to.equal("late");
    expect(classifyHistory([c, t, t], 2)).to.equal("late");
    expect(classifyHistory([t, c, t, c], 2)).to.equal("flaky");
    expect(classifyHistory([t, c, t, t], 2)).to.equal("flaky");
    expect(classifyHistory([t, t, c], 2)).to.equal("flaky");
    expect(classifyHistory([h200, h503, h503], 2)).to.equal("late");
  });

  it("does not read a probe that could not run as a change of the network", () => {
    expect(classifyHistory([e, c, c], 2)).to.equal("stable");
    expect(classifyHistory([c, e, c], 2)).to.equal("stable");
    expect(classifyHistory([t, e, c, c], 2)).to.equal("late");
    expect(classifyHistory([e, e], 2)).to.equal("stable");
    expect(classifyHistory([t, c, e, t], 2)).to.equal("flaky");
  });

  it("says when a late history changed: the round and the time since the first sample", () => {
    const samples = [t, t, e, c, c].map((observation, round) => ({ observation, round, at: 1000 + round * 1500 }));
    expect(historyTiming(samples, 2)).to.deep.equal({ class: "late", changed: { round: 3, afterMs: 4500 } });
    expect(historyTiming(samples.slice(0, 2), 2)).to.deep.equal({ class: "stable" });
  });
});
