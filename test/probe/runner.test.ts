// The probe runner on real Linux networking: every outcome, as the network lab
// produces it with real servers, dnsmasq and nftables faults.
import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProbes, type ClientProbes } from "../../src/probe/engine.ts";
import { RUNNER_SCRIPT } from "../../src/probe/scripts.ts";
import { classifyHistory } from "../../src/verdict/history.ts";
import type { Observation, ProbeSpec } from "../../src/probe/types.ts";
import { Lab } from "../lab/lab.ts";
import { assertLabUsable } from "../lab/preflight.ts";

const TCP80 = { port: 80, protocol: "TCP" as const };
const UDP53 = { port: 53, protocol: "UDP" as const };

describe("probe runner in the network lab", function () {
  this.timeout(30_000);
  let lab: Lab;

  before(async () => {
    assertLabUsable();
    lab = await Lab.create({
      pods: [
        { name: "a", ports: [TCP80, UDP53, { port: 9, protocol: "SCTP" }] },
        { name: "b", ports: [TCP80, UDP53] },
        { name: "c", ports: [TCP80, UDP53] },
      ],
      externals: [{ name: "ext", address: "203.0.113.10", ports: [{ port: 443, protocol: "TCP" }] }],
    });
  });

  after(async () => {
    await lab?.destroy();
  });

  afterEach(async () => {
    await lab.clearFaults();
  });

  /** One round, 1 s timeout: the observation of each probe by id. */
  async function probeOnce(client: string, probes: readonly ProbeSpec[]): Promise<Record<string, Observation>> {
    const run = await runProbes([{ client, probes }], lab.transport, { timeoutMs: 1000, maxRounds: 1, requiredStreak: 1 });
    return Object.fromEntries(run.outcomes.map((o) => [o.spec.id, o.final]));
  }

  it("classifies connected, refused, drop and reject on TCP", async () => {
    await lab.fault({ from: "a", to: "b", port: 80, protocol: "tcp", action: "drop" });
    await lab.fault({ from: "a", to: "ext", port: 443, protocol: "tcp", action: "reject" });
    const o = await probeOnce("a", [
      { id: "ok", kind: "tcp", host: lab.address("c"), port: 80, expectIdentity: "c" },
      { id: "plain", kind: "tcp", host: lab.address("c"), port: 80 },
      { id: "closed", kind: "tcp", host: lab.address("c"), port: 81 },
      { id: "dropped", kind: "tcp", host: lab.address("b"), port: 80, expectIdentity: "b" },
      { id: "rejected", kind: "tcp", host: "203.0.113.10", port: 443, expectIdentity: "ext" },
    ]);
    expect(o["ok"]).to.deep.equal({ kind: "connected", detail: "c" });
    expect(o["plain"]).to.deep.equal({ kind: "connected" });
    expect(o["closed"]).to.deep.equal({ kind: "refused", detail: "connection refused" });
    expect(o["dropped"]).to.deep.equal({ kind: "timeout", detail: "no answer" });
    // curl (7.8x and later) names no errno: a reject and a closed port read alike.
    expect(o["rejected"]).to.deep.equal({ kind: "refused", detail: "could not connect" });
  });

  it("reads the identity of the answering server and catches the wrong pod", async () => {
    const o = await probeOnce("a", [
      { id: "right", kind: "tcp", host: lab.address("b"), port: 80, expectIdentity: "b" },
      { id: "wrong", kind: "tcp", host: lab.address("b"), port: 80, expectIdentity: "c" },
      { id: "udp-wrong", kind: "udp", host: lab.address("c"), port: 53, expectIdentity: "b" },
    ]);
    expect(o["right"]).to.deep.equal({ kind: "connected", detail: "b" });
    expect(o["wrong"]).to.deep.equal({ kind: "error", detail: "answered by b, expected c" });
    expect(o["udp-wrong"]).to.deep.equal({ kind: "error", detail: "answered by c, expected b" });
  });

  it("needs a UDP reply: reply, dropped, rejected and closed", async () => {
    await lab.fault({ from: "a", to: "c", port: 53, protocol: "udp", action: "drop" });
    await lab.fault({ from: "b", to: "c", port: 53, protocol: "udp", action: "reject" });
    const fromA = await probeOnce("a", [
      { id: "reply", kind: "udp", host: lab.address("b"), port: 53, expectIdentity: "b" },
      { id: "dropped", kind: "udp", host: lab.address("c"), port: 53, expectIdentity: "c" },
      { id: "closed", kind: "udp", host: lab.address("b"), port: 54 },
    ]);
    const fromB = await probeOnce("b", [{ id: "rejected", kind: "udp", host: lab.address("c"), port: 53 }]);
    expect(fromA["reply"]).to.deep.equal({ kind: "connected", detail: "b" });
    expect(fromA["dropped"]).to.deep.equal({ kind: "timeout", detail: "no reply" });
    expect(fromA["closed"]).to.deep.equal({ kind: "refused", detail: "icmp error, no reply" });
    expect(fromB["rejected"]).to.deep.equal({ kind: "refused", detail: "icmp error, no reply" });
  });

  it("gets every UDP reply when many probes hit one server at once", async () => {
    // Each datagram forks a responder; one that exited before socat handed it
    // the datagram used to make socat die before relaying the reply (EPIPE).
    const probes = (n: number): ProbeSpec[] =>
      Array.from({ length: n }, (_, i) => ({ id: `u${i}`, kind: "udp", host: lab.address("b"), port: 53, expectIdentity: "b" }));
    const run = await runProbes(
      [{ client: "a", probes: probes(40) }, { client: "c", probes: probes(40) }],
      lab.transport,
      { timeoutMs: 1000, maxRounds: 1, requiredStreak: 1 },
    );
    const missed = run.outcomes.filter((o) => o.final.kind !== "connected").map((o) => `${o.client} ${o.spec.id}: ${o.final.kind}`);
    expect(missed).to.deep.equal([]);
    expect(run.outcomes).to.have.length(80);
  });

  it("reports HTTP statuses, and who answered", async () => {
    await lab.fault({ from: "b", to: "c", port: 80, action: "drop" });
    const fromB = await probeOnce("b", [
      { id: "ok", kind: "http", host: lab.address("a"), port: 80, method: "GET", path: "/" },
      { id: "404", kind: "http", host: lab.address("a"), port: 80, method: "GET", path: "/status/404" },
      { id: "503", kind: "http", host: lab.address("a"), port: 80, method: "POST", path: "/status/503" },
      { id: "head", kind: "http", host: lab.address("a"), port: 80, method: "HEAD", path: "/status/204" },
      { id: "closed", kind: "http", host: lab.address("a"), port: 81, method: "GET", path: "/" },
      { id: "dropped", kind: "http", host: lab.address("c"), port: 80, method: "GET", path: "/" },
      { id: "by-name", kind: "http", host: lab.dnsName("a"), port: 80, method: "GET", path: "/" },
      { id: "no-name", kind: "http", host: "nowhere.lab.test", port: 80, method: "GET", path: "/" },
    ]);
    expect(fromB["ok"]).to.deep.equal({ kind: "http", status: 200, detail: "a" });
    expect(fromB["404"]).to.deep.equal({ kind: "http", status: 404, detail: "a" });
    expect(fromB["503"]).to.deep.equal({ kind: "http", status: 503, detail: "a" });
    expect(fromB["head"]).to.deep.equal({ kind: "http", status: 204, detail: "a" });
    expect(fromB["closed"]).to.deep.equal({ kind: "refused", detail: "could not connect" });
    expect(fromB["dropped"]).to.deep.equal({ kind: "timeout", detail: "no answer" });
    expect(fromB["by-name"]).to.deep.equal({ kind: "http", status: 200, detail: "a" });
    expect(fromB["no-name"]?.kind).to.equal("dns-error");
  });

  it("resolves names, reports NXDOMAIN, and times out when DNS is dropped", async () => {
    const resolved = await probeOnce("a", [
      { id: "with-server", kind: "dns", name: lab.dnsName("c"), server: lab.dnsServer },
      { id: "resolv-conf", kind: "dns", name: lab.dnsName("ext") },
      { id: "nx", kind: "dns", name: "nowhere.lab.test", server: lab.dnsServer },
      { id: "outside", kind: "dns", name: "example.com", server: lab.dnsServer },
    ]);
    expect(resolved["with-server"]).to.deep.equal({ kind: "connected", detail: lab.address("c") });
    expect(resolved["resolv-conf"]).to.deep.equal({ kind: "connected", detail: "203.0.113.10" });
    expect(resolved["nx"]).to.deep.equal({ kind: "dns-error", detail: "nxdomain" });
    expect(resolved["outside"]).to.deep.equal({ kind: "dns-error", detail: "nxdomain" });

    await lab.fault({ from: "a", to: "dns", port: 53, protocol: "udp", action: "drop" });
    const blocked = await probeOnce("a", [
      { id: "blocked", kind: "dns", name: lab.dnsName("c"), server: lab.dnsServer },
      { id: "tcp-by-name", kind: "tcp", host: lab.dnsName("c"), port: 80, expectIdentity: "c" },
    ]);
    const fromB = await probeOnce("b", [{ id: "other-client", kind: "dns", name: lab.dnsName("c"), server: lab.dnsServer }]);
    expect(blocked["blocked"]).to.deep.equal({ kind: "timeout", detail: "no reply from dns server" });
    expect(blocked["tcp-by-name"]?.kind).to.equal("dns-error");
    expect(fromB["other-client"]).to.deep.equal({ kind: "connected", detail: lab.address("c") });
  });

  it("reaches external hosts on documentation addresses through the switch", async () => {
    await lab.fault({ from: "b", to: "ext", action: "drop" });
    const fromA = await probeOnce("a", [
      { id: "ext", kind: "tcp", host: "203.0.113.10", port: 443, expectIdentity: "ext" },
      { id: "unrouted", kind: "tcp", host: "192.0.2.99", port: 443 },
    ]);
    const fromB = await probeOnce("b", [{ id: "ext", kind: "tcp", host: "203.0.113.10", port: 443, expectIdentity: "ext" }]);
    expect(fromA["ext"]).to.deep.equal({ kind: "connected", detail: "ext" });
    // Nobody has 192.0.2.99: the switch has no route and answers ICMP unreachable.
    expect(fromA["unrouted"]).to.deep.equal({ kind: "refused", detail: "network unreachable" });
    expect(fromB["ext"]).to.deep.equal({ kind: "timeout", detail: "no answer" });
  });

  it("reports SCTP as an error where the kernel has none, never as a timeout", async () => {
    const o = await probeOnce("b", [{ id: "sctp", kind: "sctp", host: lab.address("a"), port: 9, expectIdentity: "a" }]);
    // Checked after the probe: the probe itself may have loaded the module.
    if (existsSync("/proc/net/sctp")) {
      expect(o["sctp"]).to.deep.equal({ kind: "connected", detail: "a" });
    } else {
      expect(o["sctp"]).to.deep.equal({ kind: "error", detail: "sctp not supported by this kernel" });
    }
  });

  /**
   * Runs the runner script in a pod directly, bypassing the engine and its
   * encoder. `shell` is the argv that runs `-c <script>`. Lines have ms masked.
   */
  async function runRunner(
    client: string,
    probeArgs: readonly string[],
    shell: readonly string[] = ["sh"],
  ): Promise<{ lines: string[]; stderr: string }> {
    const result = await lab.transport.exec(
      client,
      [...shell, "-c", RUNNER_SCRIPT, "netproof-probe", "v1", ...probeArgs],
      { timeoutMs: 15_000 },
    );
    expect(result.exitCode, result.stderr).to.equal(0);
    return { lines: result.stdout.trimEnd().split("\n").map((l) => l.replace(/ \d+ /, " _ ")), stderr: result.stderr };
  }

  /** A shell whose curl says it is 7.74 (no %header{}): no batches. */
  function shellWithOldCurl(): string[] {
    const bin = join(lab.tempDirectory, "bin-old-curl");
    mkdirSync(bin, { recursive: true });
    const fake = join(bin, "curl");
    writeFileSync(fake, '#!/bin/sh\n[ "${1-}" = -V ] && { echo "curl 7.74.0 (x86_64-pc-linux-gnu) libcurl/7.74.0"; exit 0; }\nexec /usr/bin/curl "$@"\n');
    chmodSync(fake, 0o755);
    return ["env", `PATH=${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`, "sh"];
  }

  it("runs each probe on its own with a curl too old to batch, with the same outcomes", async () => {
    // TCP goes through nc, HTTP through one curl per probe. nc names the errno
    // where curl does not.
    const b = lab.address("b");
    const { lines } = await runRunner(
      "a",
      [
        ...["right", "tcp", b, "80", "1", "b", ""],
        ...["wrong", "tcp", b, "80", "1", "c", ""],
        ...["closed", "tcp", b, "81", "1", "b", ""],
        ...["status", "http", b, "80", "1", "POST", "/status/503"],
      ],
      shellWithOldCurl(),
    );
    expect(lines).to.deep.equal([
      "right connected _ b",
      "wrong error _ answered by b, expected c",
      "closed refused _ connection refused",
      "status http:503 _ b",
    ]);
  });

  for (const [how, shell] of [["batched", () => ["sh"]], ["one by one", shellWithOldCurl]] as const) {
    it(`tells a server that accepts and never answers from a drop (${how})`, async () => {
      // A listener on the pod's loopback that accepts and stays silent for 3 s.
      const listen =
        'socat TCP4-LISTEN:7000,reuseaddr,fork "EXEC:sleep 3" & s=$!; ' +
        'for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do nc -z 127.0.0.1 7000 && break; sleep 0.1; done; ' +
        '"$@"; kill $s';
      const { lines } = await runRunner(
        "a",
        [
          ...["tcp", "tcp", "127.0.0.1", "7000", "1", "a", ""],
          ...["http", "http", "127.0.0.1", "7000", "1", "GET", "/"],
        ],
        ["sh", "-c", listen, "silent", ...shell()],
      );
      expect(lines[0]).to.equal("tcp error _ connected but no identity answered, expected a");
      expect(lines[1]).to.match(/^http error _ connected, then no HTTP answer: Operation timed out after 2\d{3} milliseconds/);
      expect(lines).to.have.length(2);
    });
  }

  it("prints the same lines under busybox ash (netshoot's sh) as under dash", async () => {
    const b = lab.address("b");
    const probeArgs = [
      ...["tcp-id", "tcp", b, "80", "1", "b", ""],
      ...["tcp", "tcp", b, "80", "1", "", ""],
      ...["closed", "tcp", b, "81", "1", "", ""],
      ...["udp", "udp", b, "53", "1", "b", ""],
      ...["http", "http", b, "80", "1", "GET", "/status/404"],
      ...["dns", "dns", lab.dnsName("c"), "53", "1", lab.dnsServer, ""],
      ...["nx", "dns", "nowhere.lab.test", "53", "1", lab.dnsServer, ""],
    ];
    const expected = [
      "tcp-id connected _ b",
      "tcp connected _ ",
      "closed refused _ connection refused",
      "udp connected _ b",
      "http http:404 _ b",
      `dns connected _ ${lab.address("c")}`,
      "nx dns-error _ nxdomain",
    ];
    expect((await runRunner("a", probeArgs)).lines, "dash").to.deep.equal(expected);
    expect((await runRunner("a", probeArgs, ["busybox", "sh"])).lines, "busybox ash").to.deep.equal(expected);
  });

  it("splits a batch larger than one curl process takes, and loses no probe", async () => {
    const b = lab.address("b");
    const probes = Array.from({ length: 260 }, (_, i): ProbeSpec => ({ id: `p${i}`, kind: "tcp", host: b, port: 80, expectIdentity: "b" }));
    const run = await runProbes([{ client: "a", probes }], lab.transport, { timeoutMs: 1000, maxRounds: 1, requiredStreak: 1 });
    expect(run.outcomes.map((o) => `${o.spec.id} ${o.final.kind}`)).to.deep.equal(probes.map((p) => `${p.id} connected`));
  });

  it("says which tool is missing instead of failing silently", async () => {
    // A PATH with the shell utilities the runner needs, but no nc, curl or dig.
    const bin = join(lab.tempDirectory, "bin-without-probes");
    mkdirSync(bin, { recursive: true });
    for (const tool of ["mktemp", "rm", "cat", "sed", "awk", "tr", "head", "date"]) {
      const target = ["/usr/bin", "/bin"].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (target && !existsSync(join(bin, tool))) symlinkSync(target, join(bin, tool));
    }
    const { lines } = await runRunner(
      "a",
      [
        ...["t", "tcp", lab.address("b"), "80", "1", "", ""],
        ...["h", "http", lab.address("b"), "80", "1", "GET", "/"],
        ...["d", "dns", "b.lab.test", "53", "1", "", ""],
        ...["u", "udp", lab.address("b"), "53", "1", "", ""],
      ],
      ["env", `PATH=${bin}`, "/bin/sh"],
    );
    expect(lines).to.deep.equal([
      "t error _ nc not found",
      "h error _ curl not found",
      "d error _ dig not found",
      "u error _ nc not found",
    ]);
  });

  it("fails a probe with a bad timeout or port alone, not its batch", async () => {
    const b = lab.address("b");
    const huge = "99999999999999999999";
    const probeArgs = [
      ...["ok1", "tcp", b, "80", "1", "b", ""],
      ...["t-huge", "tcp", b, "80", huge, "b", ""],
      ...["t-zero", "tcp", b, "80", "0", "b", ""],
      ...["t-octal", "tcp", b, "80", "08", "b", ""],
      ...["p-huge", "tcp", b, huge, "1", "b", ""],
      ...["p-range", "http", b, "65536", "1", "GET", "/"],
      ...["p-zero", "http", b, "0", "1", "GET", "/"],
      ...["p-octal", "tcp", b, "080", "1", "b", ""],
      ...["ok2", "http", b, "80", "1", "GET", "/status/204"],
      ...["t-plain", "tcp", b, "80", huge, "", ""],
    ];
    const expected = [
      "ok1 connected _ b",
      "t-huge error _ bad timeout",
      "t-zero error _ bad timeout",
      "t-octal error _ bad timeout",
      "p-huge error _ bad port",
      "p-range error _ bad port",
      "p-zero error _ bad port",
      "p-octal error _ bad port",
      "ok2 http:204 _ b",
      "t-plain error _ bad timeout",
    ];
    expect((await runRunner("a", probeArgs)).lines, "dash").to.deep.equal(expected);
    expect((await runRunner("a", probeArgs, ["busybox", "sh"])).lines, "busybox ash").to.deep.equal(expected);
  });

  it("never executes hostile argument values, even bypassing the encoder", async () => {
    const marker = join(lab.tempDirectory, "pwned");
    const evil = `$(touch ${marker})`;
    const { lines, stderr } = await runRunner("a", [
      ...["ok", "tcp", lab.address("b"), "80", "1", evil, ""],
      ...["bad id", "tcp", lab.address("b"), "80", "1", "", ""],
      ...["h", "http", lab.address("b"), "80", "1", "GET", `/${evil}`],
      ...["x", evil, lab.address("b"), "80", "1", "", ""],
      ...["y", "tcp", evil, "80", "1", "", ""],
      ...["z", "tcp", lab.address("b"), "`touch /tmp/x`", "1", "", ""],
      ...["w", "http", lab.address("b"), "80", "1", "GET;", "/"],
    ]);
    expect(existsSync(marker)).to.equal(false);
    expect(lines).to.deep.equal([
      `ok error _ answered by b, expected ${evil}`,
      "h error _ bad path",
      "x error _ unknown probe kind",
      "y error _ bad host",
      "z error _ bad port",
      "w error _ bad method",
    ]);
    expect(stderr).to.include("probe 1 has an unusable id");
  });

  it("finds exactly the injected faults in a matrix, and nothing else", async function () {
    const pods = ["a", "b", "c"];
    const clients: ClientProbes[] = pods.map((from) => ({
      client: from,
      probes: [
        ...pods
          .filter((to) => to !== from)
          .flatMap((to): ProbeSpec[] => [
            { id: `${to}/tcp`, kind: "tcp", host: lab.address(to), port: 80, expectIdentity: to },
            { id: `${to}/udp`, kind: "udp", host: lab.address(to), port: 53, expectIdentity: to },
            { id: `${to}/http`, kind: "http", host: lab.address(to), port: 80, method: "GET", path: "/" },
          ]),
        { id: "ext/tcp", kind: "tcp", host: "203.0.113.10", port: 443, expectIdentity: "ext" },
        { id: "dns", kind: "dns", name: lab.dnsName("ext"), server: lab.dnsServer },
      ],
    }));
    await lab.faultAll([
      { from: "a", to: "b", port: 80, protocol: "tcp", action: "drop" },
      { from: "c", to: "a", port: 53, protocol: "udp", action: "reject" },
      { from: "b", to: "ext", action: "drop" },
      { from: "c", to: "dns", port: 53, action: "drop" },
    ]);
    const run = await runProbes(clients, lab.transport, { timeoutMs: 1000 });
    expect(run.outcomes).to.have.length(24);
    // A busy machine may make a first answer differ (then it is re-run); the
    // settled answers are what must be exact.
    const unsettledFirst = run.outcomes
      .filter((o) => o.samples.length > 2)
      .map((o) => `${o.client} -> ${o.spec.id}: ${o.samples.map((x) => x.observation.kind).join(",")}`);
    expect(run.outcomes.every((o) => o.stable), unsettledFirst.join("; ")).to.equal(true);
    expect(run.rounds).to.be.at.least(2);
    const deviations = run.outcomes
      .filter((o) => !(o.final.kind === "connected" || (o.final.kind === "http" && o.final.status === 200)))
      .map((o) => `${o.client} -> ${o.spec.id}: ${o.final.kind}`);
    expect(deviations).to.deep.equal([
      "a -> b/tcp: timeout",
      "a -> b/http: timeout",
      "b -> ext/tcp: timeout",
      "c -> a/udp: refused",
      "c -> dns: timeout",
    ]);
  });

  it("reports a rule that takes effect mid-run as late", async () => {
    await lab.fault({ from: "a", to: "b", port: 80, protocol: "tcp", action: "drop" });
    const run = await runProbes(
      [{ client: "a", probes: [{ id: "b", kind: "tcp", host: lab.address("b"), port: 80, expectIdentity: "b" }] }],
      lab.transport,
      {
        timeoutMs: 1000,
        onRound: async ({ round }) => {
          if (round === 2) await lab.clearFaults();
        },
      },
    );
    const [o] = run.outcomes;
    expect(o?.samples.map((s) => s.observation.kind)).to.deep.equal(["timeout", "connected", "connected"]);
    expect(o?.stable).to.equal(true);
    expect(classifyHistory(o?.samples.map((s) => s.observation) ?? [], 2)).to.equal("late");
  });

  it("reports a rule that keeps flipping as flaky and unstable", async () => {
    const run = await runProbes(
      [{ client: "c", probes: [{ id: "a", kind: "tcp", host: lab.address("a"), port: 80, expectIdentity: "a" }] }],
      lab.transport,
      {
        timeoutMs: 1000,
        maxRounds: 4,
        onRound: async ({ round }) => {
          if (round % 2 === 1) await lab.fault({ from: "c", to: "a", port: 80, protocol: "tcp", action: "reject" });
          else await lab.clearFaults();
        },
      },
    );
    const [o] = run.outcomes;
    expect(o?.samples.map((s) => s.observation.kind)).to.deep.equal(["refused", "connected", "refused", "connected"]);
    expect(o?.stable).to.equal(false);
    expect(classifyHistory(o?.samples.map((s) => s.observation) ?? [], 2)).to.equal("flaky");
  });
});
