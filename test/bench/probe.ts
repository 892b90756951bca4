// Probe engine benchmark on real Linux networking: 30 clients x 30 servers x 2
// ports = 1,800 probes, half of them dropped by nftables, 1 s probe timeout.
// Measures one full round and a stabilised run (k = 2), and checks that a round
// costs exactly one exec per client. Then one client with 250, 2,000 and 8,000
// batched probes, nearly all dropped: the round should take about T plus a
// small constant at every size (the runner is linear in its probes). Needs
// root (network namespaces).
import { pathToFileURL } from "node:url";
import { runProbes, type ClientProbes, type ProbeRun } from "../../src/probe/engine.ts";
import { outcomeKey } from "../../src/probe/outcome.ts";
import type { ExecResult, Transport } from "../../src/probe/types.ts";
import type { Fault } from "../lab/faults.ts";
import { Lab } from "../lab/lab.ts";
import { labProblems } from "../lab/preflight.ts";

const CLIENTS = 30;
const SERVERS = 30;
const PORTS = [80, 81] as const;
const TIMEOUT_MS = 1000;
const ROUND_TARGET_MS = 3000;

class CountingTransport implements Transport {
  execs = 0;
  constructor(private readonly inner: Transport) {}
  exec(client: string, argv: readonly string[], options: { readonly timeoutMs: number }): Promise<ExecResult> {
    this.execs += 1;
    return this.inner.exec(client, argv, options);
  }
}

/** Client i's traffic to server j is dropped when i + j is even: half of all probes. */
const dropped = (i: number, j: number): boolean => (i + j) % 2 === 0;

export async function runProbeBench(): Promise<void> {
  const problems = labProblems();
  if (problems.length > 0) {
    throw new Error(`probe benchmark: the network lab cannot run here:\n  ${problems.join("\n  ")}`);
  }
  const clients = Array.from({ length: CLIENTS }, (_, i) => `c${i}`);
  const servers = Array.from({ length: SERVERS }, (_, j) => `s${j}`);
  const buildStart = Date.now();
  const lab = await Lab.create({
    pods: [
      ...clients.map((name) => ({ name })),
      ...servers.map((name) => ({ name, ports: PORTS.map((port) => ({ port, protocol: "TCP" as const })) })),
    ],
  });
  try {
    const faults: Fault[] = clients.flatMap((from, i) =>
      servers.flatMap((to, j) => (dropped(i, j) ? [{ from, to, action: "drop" as const }] : [])),
    );
    await lab.faultAll(faults);
    const buildMs = Date.now() - buildStart;

    const batches: ClientProbes[] = clients.map((client) => ({
      client,
      probes: servers.flatMap((server) =>
        PORTS.map((port) => ({
          id: `${server}:${port}`,
          kind: "tcp" as const,
          host: lab.address(server),
          port,
          expectIdentity: server,
        })),
      ),
    }));
    const probeCount = batches.reduce((n, b) => n + b.probes.length, 0);

    const measure = async (requiredStreak: number, maxRounds: number) => {
      const transport = new CountingTransport(lab.transport);
      // Per round: [clients with pending probes, execs the transport saw].
      const rounds: [number, number][] = [];
      let before = 0;
      const close = () => {
        const last = rounds[rounds.length - 1];
        if (last) last[1] = transport.execs - before;
        before = transport.execs;
      };
      const run = await runProbes(batches, transport, {
        timeoutMs: TIMEOUT_MS,
        parallelism: CLIENTS,
        requiredStreak,
        maxRounds,
        onRound: ({ execs: pending }) => {
          close();
          rounds.push([pending, 0]);
        },
      });
      close();
      return { run, rounds };
    };

    const single = await measure(1, 1);
    const settled = await measure(2, 10);

    const counts = countOutcomes(single.run);
    const settledCounts = countOutcomes(settled.run);
    const expectedDropped = probeCount / 2;
    const failures: string[] = [];
    const check = (ok: boolean, message: string) => ok || failures.push(message);
    check(single.rounds[0]?.[1] === CLIENTS, `round 1 ran ${single.rounds[0]?.[1]} execs, expected ${CLIENTS}`);
    check(
      [...single.rounds, ...settled.rounds].every(([pending, execs]) => pending === execs),
      "every round runs exactly one exec per client with pending probes",
    );
    // Under this load a starved server may not answer in time once connected:
    // that is an `error` (re-run later), never a denial. Denials must be exact.
    check(counts.get("timeout") === expectedDropped, `one round: expected exactly ${expectedDropped} timeouts`);
    check(
      (counts.get("connected") ?? 0) + (counts.get("error") ?? 0) === probeCount - expectedDropped,
      "one round: every probe that is not dropped is connected (or an error)",
    );
    // A starved server can miss its time twice in a row: that probe settles on
    // `error` (reported as such, never a denial). Denials must still be exact.
    check(settledCounts.get("timeout") === expectedDropped, `stabilised: expected exactly ${expectedDropped} timeouts`);
    check(
      (settledCounts.get("connected") ?? 0) + (settledCounts.get("error") ?? 0) === probeCount - expectedDropped,
      "stabilised: every probe that is not dropped is connected (or an error)",
    );
    check(settled.run.outcomes.every((o) => o.stable), "every probe settles in the stabilised run");

    const table: [string, string][] = [
      ["clients x servers x ports", `${CLIENTS} x ${SERVERS} x ${PORTS.length}`],
      ["probes per round", String(probeCount)],
      ["dropped by nftables", String(expectedDropped)],
      ["probe timeout", `${TIMEOUT_MS} ms`],
      ["lab build (60 namespaces, faults)", `${buildMs} ms`],
      ["execs per round (one round)", single.rounds.map(([, n]) => n).join(", ")],
      ["one round wall time", `${single.run.elapsedMs} ms (target < ${ROUND_TARGET_MS} ms)`],
      ["outcomes (one round)", [...counts].map(([k, n]) => `${k} ${n}`).join(", ")],
      [
        "stabilised run (k=2)",
        `${settled.run.rounds} rounds, execs ${settled.rounds.map(([, n]) => n).join("+")}, ${settled.run.elapsedMs} ms`,
      ],
      ["outcomes (stabilised)", [...settledCounts].map(([k, n]) => `${k} ${n}`).join(", ")],
    ];
    const width = Math.max(...table.map(([k]) => k.length));
    console.log("\nprobe engine benchmark (network lab)");
    for (const [k, v] of table) console.log(`  ${k.padEnd(width)}  ${v}`);
    if (single.run.elapsedMs >= ROUND_TARGET_MS) console.log(`  note: one round took longer than the ${ROUND_TARGET_MS} ms target`);
    if (failures.length > 0) throw new Error(`probe benchmark failed:\n  ${failures.join("\n  ")}`);
  } finally {
    await lab.destroy();
  }
  await runOneClientBench();
}

const ONE_CLIENT_SIZES = [250, 2000, 8000] as const;
const ONE_CLIENT_SERVERS = 20;

/**
 * One client, many batched probes (TCP with an expected identity, so all of
 * them go through the runner's curl batches) to 20 servers on 2 ports; every
 * server but s0 is dropped, so the 1 in 40 probes to s0 connect and the rest
 * time out after T. What is left above T is the runner's own cost.
 */
async function runOneClientBench(): Promise<void> {
  const servers = Array.from({ length: ONE_CLIENT_SERVERS }, (_, j) => `s${j}`);
  const lab = await Lab.create({
    pods: [{ name: "c0" }, ...servers.map((name) => ({ name, ports: PORTS.map((port) => ({ port, protocol: "TCP" as const })) }))],
  });
  try {
    await lab.faultAll(servers.slice(1).map((to) => ({ from: "c0", to, action: "drop" as const })));
    const failures: string[] = [];
    console.log(`\none client, batched probes, ${ONE_CLIENT_SERVERS} servers x ${PORTS.length} ports, all but s0 dropped, T = ${TIMEOUT_MS} ms`);
    console.log(`  ${"probes".padStart(6)}  ${"execs".padStart(5)}  ${"wall ms".padStart(7)}  ${"above T".padStart(7)}  outcomes`);
    for (const size of ONE_CLIENT_SIZES) {
      const probes = Array.from({ length: size }, (_, i) => {
        const server = servers[i % servers.length] ?? "s0";
        const port = PORTS[Math.floor(i / servers.length) % PORTS.length] ?? 80;
        return { id: `${server}:${port}:${i}`, kind: "tcp" as const, host: lab.address(server), port, expectIdentity: server };
      });
      const transport = new CountingTransport(lab.transport);
      const run = await runProbes([{ client: "c0", probes }], transport, { timeoutMs: TIMEOUT_MS, maxRounds: 1, requiredStreak: 1 });
      const counts = countOutcomes(run);
      const reachable = probes.filter((p) => p.expectIdentity === "s0").length;
      if (counts.get("timeout") !== size - reachable) failures.push(`${size} probes: expected exactly ${size - reachable} timeouts`);
      if ((counts.get("connected") ?? 0) + (counts.get("error") ?? 0) !== reachable) {
        failures.push(`${size} probes: expected the ${reachable} probes to s0 to connect (or be errors)`);
      }
      const outcomes = [...counts].map(([k, n]) => `${k} ${n}`).join(", ");
      console.log(
        `  ${String(size).padStart(6)}  ${String(transport.execs).padStart(5)}  ${String(run.elapsedMs).padStart(7)}  ${String(run.elapsedMs - TIMEOUT_MS).padStart(7)}  ${outcomes}`,
      );
    }
    if (failures.length > 0) throw new Error(`probe benchmark (one client) failed:\n  ${failures.join("\n  ")}`);
  } finally {
    await lab.destroy();
  }
}

function countOutcomes(run: ProbeRun): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of run.outcomes) counts.set(outcomeKey(o.final), (counts.get(outcomeKey(o.final)) ?? 0) + 1);
  return counts;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runProbeBench().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
