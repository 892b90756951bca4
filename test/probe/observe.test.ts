import { expect } from "chai";
import { probeAcrossChange } from "../../src/probe/observe.ts";
import { classifyHistory } from "../../src/verdict/history.ts";
import { FakeTransport } from "./fake-transport.ts";

const clients = [{ client: "c0", probes: [{ id: "a", kind: "tcp" as const, host: "a.test", port: 80 }] }];

describe("probing across a change", () => {
  it("is one engine run until settled when there is no window", async () => {
    const transport = new FakeTransport(() => "connected 5 x");
    const run = await probeAcrossChange(clients, transport, { timeoutMs: 1000, windowMs: 0, changedAt: Date.now() });
    expect(run.rounds).to.equal(2);
    expect(run.outcomes[0]?.samples.map((s) => s.round)).to.deep.equal([1, 2]);
  });

  it("keeps sampling every probe until the window has passed, so a change after settling is seen", async () => {
    let now = 0;
    const clock = () => now;
    // The rule takes effect at t = 3000: connected before, timeout after.
    const transport = new FakeTransport(() => {
      now += 500;
      return now > 3000 ? "timeout 1000 no answer" : "connected 5 x";
    });
    const progress: number[] = [];
    const run = await probeAcrossChange(clients, transport, {
      timeoutMs: 1000,
      windowMs: 4000,
      changedAt: 0,
      clock,
      onProgress: (p) => progress.push(p.round),
    });
    const samples = run.outcomes[0]?.samples ?? [];
    expect(samples.map((s) => s.observation.kind)).to.deep.equal([
      "connected", "connected", "connected", "connected", "connected", "connected", "timeout", "timeout",
    ]);
    expect(samples.map((s) => s.round)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(classifyHistory(samples.map((s) => s.observation), 2)).to.equal("late");
    expect(run.outcomes[0]?.stable).to.equal(true);
    expect(progress[progress.length - 1]).to.equal(8);
  });
});
