import { expect } from "chai";
import { classifyHistory, hasSettled } from "../../src/probe/stabilise.ts";
import type { Observation } from "../../src/probe/types.ts";

const c: Observation = { kind: "connected" };
const t: Observation = { kind: "timeout" };
const h200: Observation = { kind: "http", status: 200 };
const h503: Observation = { kind: "http", status: 503 };

describe("stabilisation", () => {
  it("settles once the last k outcomes agree, ignoring details", () => {
    expect(hasSettled([c], 2)).to.equal(false);
    expect(hasSettled([c, { kind: "connected", detail: "other pod text" }], 2)).to.equal(true);
    expect(hasSettled([t, c], 2)).to.equal(false);
    expect(hasSettled([t, c, c], 2)).to.equal(true);
    expect(hasSettled([h200, h503], 2)).to.equal(false);
    expect(hasSettled([t], 1)).to.equal(true);
  });

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
    const e: Observation = { kind: "error", detail: "connected but no identity answered, expected b" };
    expect(classifyHistory([e, c, c], 2)).to.equal("stable");
    expect(classifyHistory([c, e, c], 2)).to.equal("stable");
    expect(classifyHistory([t, e, c, c], 2)).to.equal("late");
    expect(classifyHistory([e, e], 2)).to.equal("stable");
    expect(classifyHistory([t, c, e, t], 2)).to.equal("flaky");
  });
});
