// Live pipeline benchmark on the network lab (needs root):
// 1. three-tier realised, probed and cleaned up through the lab adapter, with
//    the time split into realise, probe and clean up;
// 2. one probe round of the 1,800-probe lab matrix (30 clients x 30 servers x
//    2 ports, half dropped, 1 s timeout), netproof's way (one runner exec per
//    client) and upstream e2e's way (one exec per probe, 3 workers), in the
//    same run on the same lab, and the ratio.
// Upstream's way takes minutes (every dropped probe waits its full timeout,
// three at a time); NETPROOF_BENCH_UPSTREAM_SAMPLE=<n> runs only n of its
// probes (a stratified sample: as many dropped as connected) and extrapolates.
import { pathToFileURL } from "node:url";
import { runProbes, type ClientProbes } from "../../src/probe/engine.ts";
import { mapBounded } from "../../src/probe/pool.ts";
import type { ExecResult } from "../../src/probe/types.ts";
import { runLive } from "../../src/cli/live-run.ts";
import { Lab } from "../lab/lab.ts";
import { labProblems } from "../lab/preflight.ts";
import type { Fault } from "../lab/faults.ts";
import { LabCluster } from "../cluster/lab-adapter.ts";
import { OracleCni } from "../e2e/oracle-cni.ts";
import { library } from "../e2e/support.ts";

const CLIENTS = 30;
const SERVERS = 30;
const PORTS = [80, 81] as const;
const TIMEOUT_MS = 1000;
const UPSTREAM_WORKERS = 3;

export async function runLiveBench(): Promise<void> {
  const problems = labProblems();
  if (problems.length > 0) throw new Error(`live benchmark: the network lab cannot run here:\n  ${problems.join("\n  ")}`);
  await threeTier();
  await matrixRound();
}

async function threeTier(): Promise<void> {
  const plan = library("three-tier");
  const start = Date.now();
  const lab = await LabCluster.start();
  const labMs = Date.now() - start;
  const run = await runLive(plan, new OracleCni(lab), { runId: "bench", probe: { timeoutMs: TIMEOUT_MS, requiredStreak: 2 }, exitOnSignal: false });
  const totalMs = Date.now() - start;
  const t = run.timings;
  console.log("\nthree-tier live on the lab adapter (conformant CNI, 1 s probe timeout, k = 2)");
  const rows: [string, string][] = [
    ["lab start (switch, DNS)", `${labMs} ms`],
    ["realise (apply, pods ready, manifests)", `${t.realiseMs} ms`],
    ["probe (until settled)", `${t.probeMs} ms, ${run.phases.map((p) => `${p.rounds} rounds / ${p.execs} execs`).join(", ")}`],
    ["clean up", `${t.cleanupMs} ms`],
    ["total", `${totalMs} ms`],
    ["cells", `${run.summary.cells}: ${run.summary.passed} passed, ${run.summary.failed} failed`],
  ];
  print(rows);
  if (run.summary.failed > 0 || run.summary.infraErrors > 0) throw new Error("three-tier did not pass on a conformant CNI");
}

async function matrixRound(): Promise<void> {
  const clients = Array.from({ length: CLIENTS }, (_, i) => `c${i}`);
  const servers = Array.from({ length: SERVERS }, (_, j) => `s${j}`);
  const lab = await Lab.create({
    pods: [...clients.map((name) => ({ name })), ...servers.map((name) => ({ name, ports: PORTS.map((port) => ({ port, protocol: "TCP" as const })) }))],
  });
  try {
    const dropped = (i: number, j: number) => (i + j) % 2 === 0;
    const faults: Fault[] = clients.flatMap((from, i) => servers.flatMap((to, j) => (dropped(i, j) ? [{ from, to, action: "drop" as const }] : [])));
    await lab.faultAll(faults);
    const probes = clients.flatMap((client, i) =>
      servers.flatMap((server, j) => PORTS.map((port) => ({ client, server, host: lab.address(server), port, dropped: dropped(i, j) }))),
    );
    const batches: ClientProbes[] = clients.map((client) => ({
      client,
      probes: probes.filter((p) => p.client === client).map((p) => ({ id: `${p.server}:${p.port}`, kind: "tcp" as const, host: p.host, port: p.port })),
    }));

    const t0 = Date.now();
    const ours = await runProbes(batches, lab.transport, { timeoutMs: TIMEOUT_MS, parallelism: CLIENTS, requiredStreak: 1, maxRounds: 1 });
    const oursMs = Date.now() - t0;
    const oursTimeouts = ours.outcomes.filter((o) => o.final.kind === "timeout").length;

    const sample = Number(process.env.NETPROOF_BENCH_UPSTREAM_SAMPLE ?? probes.length);
    const chosen = sample >= probes.length ? probes : stratified(probes, sample);
    const t1 = Date.now();
    const results = await mapBounded(chosen, UPSTREAM_WORKERS, (p) =>
      lab.transport.exec(p.client, ["nc", "-vz", "-w", String(TIMEOUT_MS / 1000), p.host, String(p.port)], { timeoutMs: TIMEOUT_MS + 10_000 }),
    );
    const upstreamMs = Date.now() - t1;
    const upstreamFullMs = Math.round((upstreamMs * probes.length) / chosen.length);
    const wrong = results.filter((r: ExecResult, i) => (r.exitCode === 0) === chosen[i]?.dropped).length;

    console.log("\none probe round of the 1,800-probe lab matrix (30 x 30 x 2 ports, half dropped, 1 s timeout)");
    print([
      ["netproof (one runner exec per client, 30 in flight)", `${oursMs} ms, ${ours.execs} execs, ${oursTimeouts} timeouts (expected ${probes.length / 2})`],
      [
        `upstream e2e style (one exec per probe, ${UPSTREAM_WORKERS} workers)`,
        chosen.length === probes.length
          ? `${upstreamMs} ms, ${chosen.length} execs, ${wrong} wrong answers`
          : `${upstreamMs} ms for ${chosen.length} probes -> ${upstreamFullMs} ms for ${probes.length} (extrapolated), ${wrong} wrong answers`,
      ],
      ["ratio (upstream / netproof)", `${(upstreamFullMs / oursMs).toFixed(1)}x`],
    ]);
  } finally {
    await lab.destroy();
  }
}

/** n probes, as many dropped as connected, spread over the matrix. */
function stratified<T extends { dropped: boolean }>(all: readonly T[], n: number): T[] {
  const pick = (items: T[], k: number) => items.filter((_, i) => i % Math.max(1, Math.floor(items.length / k)) === 0).slice(0, k);
  return [...pick(all.filter((p) => p.dropped), Math.ceil(n / 2)), ...pick(all.filter((p) => !p.dropped), Math.floor(n / 2))];
}

function print(rows: readonly [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLiveBench().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
