import { expect } from "chai";
import { ARGS_PER_PROBE, ARGV_BUDGET_BYTES, argvCost, encodeBatch, encodeChunks, MAX_ARG_STRLEN, ProbeSpecError, specProblem, timeoutSeconds } from "../../src/probe/encode.ts";
import { RUNNER_SCRIPT } from "../../src/probe/scripts.ts";
import type { ProbeSpec } from "../../src/probe/types.ts";

describe("probe argument encoding", () => {
  it("gives every probe 7 fixed arguments after sh -c <runner> netproof-probe v1", () => {
    const specs: ProbeSpec[] = [
      { id: "x", kind: "tcp", host: "10.0.0.1", port: 80, expectIdentity: "ns/a" },
      { id: "y", kind: "http", host: "fd00::1", port: 8080, method: "GET", path: "/status/503" },
      { id: "z", kind: "dns", name: "kubernetes.default.svc.cluster.local", server: "10.96.0.10" },
    ];
    const { argv, wireIds } = encodeBatch(specs, 1500);
    expect(argv.slice(0, 5)).to.deep.equal(["sh", "-c", RUNNER_SCRIPT, "netproof-probe", "v1"]);
    expect(argv.length - 5).to.equal(3 * ARGS_PER_PROBE);
    expect(argv.slice(5)).to.deep.equal([
      ...["p0", "tcp", "10.0.0.1", "80", "2", "ns/a", ""],
      ...["p1", "http", "fd00::1", "8080", "2", "GET", "/status/503"],
      ...["p2", "dns", "kubernetes.default.svc.cluster.local", "53", "2", "10.96.0.10", ""],
    ]);
    expect(wireIds).to.deep.equal(["p0", "p1", "p2"]);
  });

  it("never puts caller ids on the wire, however hostile", () => {
    const id = "$(touch /tmp/netproof-pwned) `id` a b\nc";
    const { argv } = encodeBatch([{ id, kind: "tcp", host: "10.0.0.1", port: 80 }], 1000);
    expect(argv.join("\u0000")).not.to.include("touch");
  });

  it("refuses values a tool could read as an option or a second line", () => {
    const hostile: ProbeSpec[] = [
      { id: "h1", kind: "tcp", host: "$(touch /tmp/x)", port: 80 },
      { id: "h2", kind: "tcp", host: "-e/bin/sh", port: 80 },
      { id: "h3", kind: "udp", host: "10.0.0.1", port: 53, expectIdentity: "a b" },
      { id: "h4", kind: "tcp", host: "10.0.0.1", port: 80, expectIdentity: "a\nb" },
      { id: "h5", kind: "http", host: "10.0.0.1", port: 80, method: "get", path: "/" },
      { id: "h6", kind: "http", host: "10.0.0.1", port: 80, method: "GET", path: "/a b" },
      { id: "h7", kind: "http", host: "10.0.0.1", port: 80, method: "GET", path: "no-slash" },
      { id: "h8", kind: "dns", name: "+short" },
      { id: "h9", kind: "dns", name: "a.example", server: "-p 1" },
      { id: "h10", kind: "tcp", host: "10.0.0.1", port: 0 },
      { id: "h11", kind: "sctp", host: "10.0.0.1", port: 70000 },
    ];
    for (const spec of hostile) {
      expect(specProblem(spec), spec.id).to.be.a("string");
      expect(() => encodeBatch([spec], 1000), spec.id).to.throw(ProbeSpecError);
    }
  });

  it("accepts ordinary hosts, names and paths", () => {
    const fine: ProbeSpec[] = [
      { id: "a", kind: "tcp", host: "backend.prod.svc.cluster.local", port: 8080, expectIdentity: "prod/backend" },
      { id: "b", kind: "udp", host: "2001:db8::5", port: 53 },
      { id: "c", kind: "http", host: "203.0.113.10", port: 80, method: "DELETE", path: "/api/v1/items?x=1&y=$(z)" },
      { id: "d", kind: "dns", name: "_http._tcp.example.org." },
    ];
    for (const spec of fine) expect(specProblem(spec), spec.id).to.equal(undefined);
  });

  it("rounds the timeout up to whole seconds, at least one", () => {
    expect([timeoutSeconds(1), timeoutSeconds(1000), timeoutSeconds(1001), timeoutSeconds(0)]).to.deep.equal([1, 1, 2, 1]);
  });

  it("keeps every string under MAX_ARG_STRLEN and every argv within the budget, ids counting on", () => {
    expect(Buffer.byteLength(RUNNER_SCRIPT)).to.be.lessThan(MAX_ARG_STRLEN);
    const specs: ProbeSpec[] = Array.from({ length: 5000 }, (_, i) => ({ id: `x${i}`, kind: "http", host: "10.0.0.1", port: 80, method: "GET", path: `/${"a".repeat(500)}` }));
    const chunks = encodeChunks(specs, 1000);
    expect(chunks.length).to.be.greaterThan(1);
    for (const c of chunks) {
      expect(c.argv.reduce((n, a) => n + argvCost(a), 0)).to.be.at.most(ARGV_BUDGET_BYTES);
      expect(c.argv.slice(0, 5)).to.deep.equal(["sh", "-c", RUNNER_SCRIPT, "netproof-probe", "v1"]);
      expect(c.argv.length - 5).to.equal(c.wireIds.length * ARGS_PER_PROBE);
    }
    expect(chunks.flatMap((c) => c.wireIds)).to.deep.equal(specs.map((_, i) => `p${i}`));
    expect(chunks.map((c) => c.first)).to.deep.equal(chunks.map((_, i) => chunks.slice(0, i).reduce((n, c) => n + c.wireIds.length, 0)));
    expect(encodeChunks(specs.slice(0, 3), 1000)).to.have.length(1);
  });
});
