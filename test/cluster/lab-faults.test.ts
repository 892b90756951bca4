import { expect } from "chai";
import { isActive, nextSwitch, timed } from "./lab-faults.ts";

const fault = { to: "shop/db", action: "drop" as const };

describe("lab adapter fault timing", () => {
  it("puts a plain fault in force at once, for good", () => {
    const f = timed(fault, {}, 1_000);
    expect([isActive(f, 1_000), isActive(f, 999_999)]).to.deep.equal([true, true]);
    expect(nextSwitch(f, 1_000)).to.equal(undefined);
  });

  it("starts a late fault at its moment, not before", () => {
    const f = timed(fault, { startsAt: 4_000 }, 1_000);
    expect([isActive(f, 3_999), isActive(f, 4_000)]).to.deep.equal([false, true]);
    expect(nextSwitch(f, 1_000)).to.equal(4_000);
    expect(nextSwitch(f, 4_000)).to.equal(undefined);
  });

  it("alternates a flaky fault: on for a period, off for the next", () => {
    const f = timed(fault, { startsAt: 1_000, flakyPeriodMs: 100 }, 0);
    expect([950, 1_000, 1_099, 1_100, 1_199, 1_200].map((t) => isActive(f, t))).to.deep.equal([false, true, true, false, false, true]);
    expect([nextSwitch(f, 950), nextSwitch(f, 1_000), nextSwitch(f, 1_150)]).to.deep.equal([1_000, 1_100, 1_200]);
  });

  it("refuses a flaky period too short to mean anything", () => {
    expect(() => timed(fault, { flakyPeriodMs: 0 })).to.throw("at least 10 ms");
  });
});
