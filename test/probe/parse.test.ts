import { expect } from "chai";
import { parseRunnerOutput } from "../../src/probe/parse.ts";

describe("runner output parsing", () => {
  it("reads every outcome, its time and its detail", () => {
    const out = [
      "p0 connected 30 ns/a",
      "p1 refused 10 connection refused",
      "p2 timeout 1020 no answer",
      "p3 dns-error 40 nxdomain",
      "p4 http:503 50 ns/b",
      "p5 error 0 sctp not supported by this kernel",
      "p6 connected 10 ",
      "",
    ].join("\n");
    const { lines, problems } = parseRunnerOutput(out);
    expect(problems).to.deep.equal([]);
    expect(Object.fromEntries(lines)).to.deep.equal({
      p0: { observation: { kind: "connected", detail: "ns/a" }, ms: 30 },
      p1: { observation: { kind: "refused", detail: "connection refused" }, ms: 10 },
      p2: { observation: { kind: "timeout", detail: "no answer" }, ms: 1020 },
      p3: { observation: { kind: "dns-error", detail: "nxdomain" }, ms: 40 },
      p4: { observation: { kind: "http", status: 503, detail: "ns/b" }, ms: 50 },
      p5: { observation: { kind: "error", detail: "sctp not supported by this kernel" }, ms: 0 },
      p6: { observation: { kind: "connected" }, ms: 10 },
    });
  });

  it("reports unreadable lines and duplicated ids instead of guessing", () => {
    const { lines, problems } = parseRunnerOutput("p0 denied 10 x\ngarbage\np1 http:20 5\np2 connected 1\np2 timeout 1000\n");
    expect([...lines.keys()]).to.deep.equal([]);
    expect(problems).to.have.length(4);
    expect(problems.join("\n")).to.include("p2 more than once");
  });
});
