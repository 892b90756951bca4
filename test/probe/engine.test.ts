import { expect } from "chai";
import { ARGV_BUDGET_BYTES, argvCost } from "../../src/probe/encode.ts";
import { runProbes, type ClientProbes, type RoundProgress } from "../../src/probe/engine.ts";
import { classifyHistory } from "../../src/verdict/history.ts";
import type { ProbeSpec } from "../../src/probe/types.ts";
import { FakeTransport } from "./fake-transport.ts";

const tcp = (id: string, host = `${id}.test`): ProbeSpec => ({ id, kind: "tcp", host, port: 80 });

function matrix(clients: number, probes: number): ClientProbes[] {
  return Array.from({ length: clients }, (_, c) => ({
    client: `c${c}`,
    probes: Array.from({ length: probes }, (_, p) => tcp(`c${c}-p${p}`)),
  }));
}

describe("probe engine", () => {
  it("runs one exec per client per round, only for probes not yet settled", async () => {
    // c0-p0 answers timeout first, then connected: it needs two more rounds.
    const transport = new FakeTransport((_client, probe, call) =>
      probe.host === "c0-p0.test" && call === 1 ? "timeout 1000 no answer" : "connected 10 x",
    );
    const rounds: RoundProgress[] = [];
    const run = await runProbes(matrix(3, 4), transport, { timeoutMs: 1000, onRound: (p) => void rounds.push(p) });
    expect(rounds).to.deep.equal([
      { round: 1, pending: 12, clients: 3, execs: 3 },
      { round: 2, pending: 12, clients: 3, execs: 3 },
      { round: 3, pending: 1, clients: 1, execs: 1 },
    ]);
    expect(transport.execs.map((e) => [e.client, e.probes.length])).to.deep.equal([
      ["c0", 4], ["c1", 4], ["c2", 4],
      ["c0", 4], ["c1", 4], ["c2", 4],
      ["c0", 1],
    ]);
    expect(run.execs).to.equal(7);
    expect(run.rounds).to.equal(3);
    const late = run.outcomes.find((o) => o.spec.id === "c0-p0");
    expect(late?.samples.map((s) => [s.observation.kind, s.round])).to.deep.equal([["timeout", 1], ["connected", 2], ["connected", 3]]);
    expect(late?.stable).to.equal(true);
    expect(classifyHistory(late?.samples.map((s) => s.observation) ?? [], 2)).to.equal("late");
    expect(run.outcomes.filter((o) => o.samples.length === 2 && o.stable)).to.have.length(11);
  });

  it("gives the exec the runner's worst case (2T + 1 s, T in whole seconds) plus a margin", async () => {
    const transport = new FakeTransport(() => "connected 1 x");
    await runProbes(matrix(1, 1), transport, { timeoutMs: 1500, execMarginMs: 3000, maxRounds: 1 });
    expect(transport.execs[0]?.timeoutMs).to.equal(8000);
  });

  it("keeps at most `parallelism` execs in flight", async () => {
    const transport = new FakeTransport(() => "connected 1 x");
    const run = await runProbes(matrix(10, 2), transport, { timeoutMs: 1000, parallelism: 3 });
    expect(transport.maxInFlight).to.equal(3);
    expect(run.execs).to.equal(20);
  });

  it("reports an alternating probe as unstable after maxRounds, never as settled", async () => {
    const transport = new FakeTransport((_c, _p, call) => (call % 2 === 1 ? "timeout 1000 no answer" : "connected 5 x"));
    const run = await runProbes(matrix(1, 1), transport, { timeoutMs: 1000, maxRounds: 5 });
    const [o] = run.outcomes;
    expect(o?.stable).to.equal(false);
    expect(o?.samples.map((s) => s.observation.kind)).to.deep.equal(["timeout", "connected", "timeout", "connected", "timeout"]);
    expect(o?.final.kind).to.equal("timeout");
    expect(classifyHistory(o?.samples.map((s) => s.observation) ?? [], 2)).to.equal("flaky");
  });

  it("starts no round after the settle deadline", async () => {
    let now = 0;
    const transport = new FakeTransport((_c, _p, call) => {
      now += 1000;
      return call % 2 === 1 ? "timeout 1000 no answer" : "connected 5 x";
    });
    const run = await runProbes(matrix(1, 1), transport, { timeoutMs: 1000, settleDeadlineMs: 2500, clock: () => now });
    expect(run.rounds).to.equal(3);
    expect(run.outcomes[0]?.stable).to.equal(false);
  });

  it("turns a failed exec, a non-zero exit and missing or unreadable lines into errors, never denials", async () => {
    const transport = new FakeTransport(
      (_client, probe) => (probe.host === "missing.test" ? undefined : probe.host === "garbled.test" ? "denied 10 ?" : "connected 3 x"),
      (exec) => {
        if (exec.client === "down") return Promise.reject(new Error("pod not found"));
        if (exec.client === "crash") return Promise.resolve({ exitCode: 137, stdout: "p0 connected 3 x\n", stderr: "Killed" });
        return undefined;
      },
    );
    const run = await runProbes(
      [
        { client: "down", probes: [tcp("d1")] },
        { client: "crash", probes: [tcp("k1")] },
        { client: "ok", probes: [tcp("m", "missing.test"), tcp("g", "garbled.test"), tcp("fine")] },
      ],
      transport,
      { timeoutMs: 1000 },
    );
    const byId = Object.fromEntries(run.outcomes.map((o) => [o.spec.id, o.final]));
    expect(byId["d1"]).to.deep.include({ kind: "error" });
    expect(byId["d1"]?.detail).to.include("pod not found");
    expect(byId["k1"]?.kind).to.equal("error");
    expect(byId["k1"]?.detail).to.include("code 137");
    expect(byId["m"]?.kind).to.equal("error");
    expect(byId["g"]?.kind).to.equal("error");
    expect(byId["g"]?.detail).to.include("unreadable runner line");
    expect(byId["fine"]?.kind).to.equal("connected");
  });

  it("maps results back to caller ids and does not run specs it refuses", async () => {
    const transport = new FakeTransport(() => "refused 2 connection refused");
    const hostile = "$(touch /tmp/x) and spaces";
    const run = await runProbes(
      [{ client: "c", probes: [tcp(hostile, "10.0.0.1"), { id: "bad", kind: "tcp", host: "-oProxyCommand=x", port: 22 }] }],
      transport,
      { timeoutMs: 1000 },
    );
    expect(run.outcomes.map((o) => [o.spec.id, o.final.kind, o.stable])).to.deep.equal([
      [hostile, "refused", true],
      ["bad", "error", true],
    ]);
    expect(transport.execs.every((e) => e.probes.length === 1 && e.probes[0]?.host === "10.0.0.1")).to.equal(true);
  });

  it("refuses duplicate probe ids within a client", async () => {
    const transport = new FakeTransport(() => "connected 1 x");
    let error: unknown;
    try {
      await runProbes([{ client: "c", probes: [tcp("a"), tcp("a")] }], transport, { timeoutMs: 1000 });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.include("appears twice");
  });

  it("splits a client's probes over several execs before the argv nears the kernel's limit", async () => {
    // A transport that fails as execve does past ARG_MAX (2 MiB), message and all.
    const ARG_MAX = 2 * 1024 * 1024;
    const sizes: number[] = [];
    const transport = new FakeTransport(
      () => "connected 1 x",
      (exec) => {
        const size = exec.argv.reduce((n, a) => n + argvCost(a), 0);
        sizes.push(size);
        if (size <= ARG_MAX) return undefined;
        return Promise.reject(Object.assign(new Error(`spawn E2BIG: ${exec.argv.join(" ")}`), { code: "E2BIG" }));
      },
    );
    const probes = Array.from({ length: 30_000 }, (_, i) => tcp(`p${i}`, `10.1.${i >> 8}.${i & 255}`));
    const rounds: RoundProgress[] = [];
    const run = await runProbes([{ client: "big", probes }], transport, { timeoutMs: 1000, maxRounds: 1, requiredStreak: 1, onRound: (p) => void rounds.push(p) });
    expect(run.execs).to.be.greaterThan(1);
    expect(rounds[0]?.execs).to.equal(run.execs);
    expect(sizes.every((n) => n <= ARGV_BUDGET_BYTES), `argv sizes ${sizes.join(", ")}`).to.equal(true);
    expect(transport.execs.reduce((n, e) => n + e.probes.length, 0)).to.equal(30_000);
    expect(run.outcomes.every((o) => o.final.kind === "connected")).to.equal(true);
    // Every probe was on the wire exactly once, in order.
    expect(transport.execs.flatMap((e) => e.probes.map((p) => p.host))).to.deep.equal(probes.map((p) => (p.kind === "tcp" ? p.host : "")));
  });

  it("never puts the command line in an error detail", async () => {
    const transport = new FakeTransport(
      () => "connected 1 x",
      (exec) =>
        exec.client === "thrown"
          ? Promise.reject(Object.assign(new Error(`Command failed with E2BIG: ip netns exec ns1 ${exec.argv.join(" ")}`), { code: "E2BIG" }))
          : Promise.resolve({ exitCode: 2, stdout: "", stderr: `sh: cannot run ${exec.argv.join(" ")}` }),
    );
    const run = await runProbes(
      [
        { client: "thrown", probes: [tcp("a", "10.9.9.9")] },
        { client: "exited", probes: [tcp("b", "10.9.9.9")] },
      ],
      transport,
      { timeoutMs: 1000, maxRounds: 1 },
    );
    for (const o of run.outcomes) {
      expect(o.final.kind).to.equal("error");
      expect(o.final.detail).not.to.include("10.9.9.9");
      expect(o.final.detail).not.to.include("netproof-probe");
      expect(o.final.detail?.length ?? 0).to.be.lessThan(300);
    }
    expect(run.outcomes[0]?.final.detail).to.include("E2BIG");
    expect(run.outcomes[1]?.final.detail).to.include("code 2");
  });

  it("refuses a timeout the runner cannot take", async () => {
    let error: unknown;
    try {
      await runProbes(matrix(1, 1), new FakeTransport(() => "connected 1 x"), { timeoutMs: 1_000_000 });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.include("at most 999 s");
  });
});
