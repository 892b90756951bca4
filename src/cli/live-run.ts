// A live run: a Plan realised on a Cluster, phase after phase, every cell
// probed from inside its source pod until the answers settle, and compared
// with what was declared and what the oracle predicts with the real pod IPs.
// Wiring only; the cluster is always cleaned up (also on Ctrl-C and SIGTERM).

import type { Cluster, ClusterInfo, PodRef, ReadyPod, ServiceAddress } from "../cluster/port.ts";
import { predictPhase } from "../oracle/predict-plan.ts";
import type { Prediction } from "../oracle/types.ts";
import { probeAcrossChange } from "../probe/observe.ts";
import type { ProbeSample } from "../probe/engine.ts";
import type { ProbeSpec, Transport } from "../probe/types.ts";
import type { Phase, Plan } from "../scenario/plan.ts";
import { summariseLive, type PodPlacement, type CellLiveResult, type LiveRunResult, type PhaseLiveResult } from "../verdict/live-summary.ts";
import { compareLiveCell, observeSamples, type ObservedCell } from "../verdict/observed.ts";
import { declaredReach } from "../verdict/verdict.ts";
import { removedManifests, renderPhaseManifests } from "../workload/manifests.ts";
import { identityMapping, type NamespaceMapping } from "../workload/namespaces.ts";
import { CONTAINER_NAME, podRefOf, renderWorkloads, type RenderContext } from "../workload/objects.ts";
import type { LiveProgress } from "../report/live-progress.ts";
import { cellProbes, clientName, externalEndpoints, parseClientName, type CellProbe, type LiveAddresses } from "../workload/probes.ts";

export interface LiveOptions {
  /** Lower-case letters, digits, dashes: labels everything the run creates. */
  readonly runId: string;
  readonly image?: string;
  readonly mapNamespace?: NamespaceMapping;
  readonly probe: {
    readonly timeoutMs: number;
    readonly requiredStreak?: number;
    readonly parallelism?: number;
    readonly settleDeadlineMs?: number;
    readonly maxRounds?: number;
  };
  /** Every cell is watched at least this long after each phase's change. Default 0. */
  readonly observeMs?: number;
  /** How long pods may take to become ready. Default 120 s. */
  readonly podTimeoutMs?: number;
  readonly onProgress?: (event: LiveProgress) => void;
  /** Ctrl-C and SIGTERM clean up, then exit 130 / 143. Default true. */
  readonly exitOnSignal?: boolean;
  readonly clock?: () => number;
}

export type CellLiveRun = CellLiveResult;
export type LiveRun = LiveRunResult;

/** The cluster failed us (apply, wait, exec): not a verdict on the network. */
export class ClusterFailure extends Error {
  constructor(
    readonly stage: string,
    cause: unknown,
  ) {
    super(`${stage}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ClusterFailure";
  }
}

export async function runLive(plan: Plan, cluster: Cluster, options: LiveOptions): Promise<LiveRun> {
  const clock = options.clock ?? Date.now;
  const start = clock();
  const elapsed = () => clock() - start;
  const ctx: RenderContext = {
    runId: options.runId,
    ...(options.image !== undefined ? { image: options.image } : {}),
    ...(options.mapNamespace !== undefined ? { mapNamespace: options.mapNamespace } : {}),
  };
  const map = options.mapNamespace ?? identityMapping;
  const progress = options.onProgress ?? (() => undefined);
  const transport = clusterTransport(cluster);
  // One cleanup, shared by the finally below and a signal that arrives meanwhile.
  let cleaning: Promise<void> | undefined;
  const cleanupOnce = () => (cleaning ??= cluster.cleanup());
  const removeSignals = options.exitOnSignal === false ? () => undefined : cleanUpOnSignal(cleanupOnce);
  const timings = { realiseMs: 0, probeMs: 0, cleanupMs: 0 };
  try {
    const info = await step("cluster info", () => cluster.info());
    const endpoints = externalEndpoints(plan.phases);
    const provided = endpoints.length > 0 ? await step("externals", () => cluster.provideExternals(endpoints)) : { served: [] };
    const served = new Set(provided.served);
    timings.realiseMs += elapsed();

    let before: Phase | undefined;
    let addresses: LiveAddresses | undefined;
    let ips: Record<string, string> = {};
    const phases: PhaseLiveResult[] = [];
    const placements = new Map<string, PodPlacement>();
    for (const phase of plan.phases) {
      const realiseStart = clock();
      const say = (status: string) => progress({ kind: "realise", phase: phase.name, status, elapsedMs: elapsed() });
      const objects = renderWorkloads(phase, ctx);
      say("applying namespaces, pods and services");
      await step("apply workloads", () => cluster.apply([...objects.namespaces, ...objects.pods, ...objects.services]));
      const managed = phase.workloads.filter((w) => w.managed);
      const ready = await step("wait for pods", () =>
        cluster.waitForPods(
          managed.map((w) => podRefOf(w, map)),
          { timeoutMs: options.podTimeoutMs ?? 120_000, onProgress: say },
        ),
      );
      const readyByRef = new Map(ready.map((p) => [clientName(p), p]));
      for (const w of managed) {
        const pod = readyByRef.get(clientName(podRefOf(w, map)));
        if (pod) placements.set(w.id, { workload: w.id, namespace: pod.namespace, name: pod.name, ip: pod.ip, node: pod.node });
      }
      if (!addresses) {
        const withPorts = phase.workloads.filter((w) => w.managed && w.ports.length > 0).map((w) => podRefOf(w, map));
        const services = await step("service addresses", () => cluster.serviceAddresses(withPorts));
        addresses = liveAddresses(plan, phase, ready, services, info, served, map);
        ips = Object.fromEntries([...addresses.pods].map(([id, p]) => [id, p.ip]));
        ips[plan.clusterDns] ??= plan.plannedIps[plan.clusterDns] ?? "";
      }
      say("applying manifests");
      const manifests = renderPhaseManifests(phase, ips, ctx);
      if (manifests.length > 0) await step("apply manifests", () => cluster.apply(manifests));
      const removed = removedManifests(before, phase, ctx);
      if (removed.length > 0) await step("delete manifests", () => cluster.delete(removed));
      const changedAt = clock();
      timings.realiseMs += changedAt - realiseStart;

      const predictions = predictPhase(plan, phase, ips);
      const probes = cellProbes(phase, plan.clusterDns, addresses);
      const runnable = probes.filter((p): p is Extract<CellProbe, { kind: "probe" }> => p.kind === "probe");
      const window = await probeAcrossChange(groupByClient(runnable), transport, {
        ...options.probe,
        windowMs: options.observeMs ?? 0,
        changedAt,
        clock,
        onProgress: (p) => progress({ kind: "probe", phase: phase.name, ...p, elapsedMs: elapsed() }),
      });
      timings.probeMs += clock() - changedAt;
      const outcomes = new Map(window.outcomes.map((o) => [`${o.client}\u0000${o.spec.id}`, o]));
      const k = options.probe.requiredStreak ?? 2;
      const cells = probes.map((p): CellLiveRun => {
        const predicted = predictions.get(p.cell.key);
        if (!predicted) throw new Error(`oracle gave no prediction for cell ${p.cell.key}`);
        if (p.kind === "unprobeable") {
          return result(p.cell, predicted, { final: { kind: "error", detail: `not probed: ${p.reason}` }, stability: "stable" }, []);
        }
        const outcome = outcomes.get(`${p.client}\u0000${p.spec.id}`);
        const samples = outcome?.samples ?? [];
        const observed = observeSamples(samples, {
          k,
          settled: outcome?.stable ?? false,
          changedAt,
          listening: p.listening,
          answers: p.cell.to.kind !== "external" || p.netproofServer,
        });
        return { ...result(p.cell, predicted, observed, samples), probe: { pod: p.pod, spec: p.spec } };
      });
      phases.push({ phase: phase.name, cells, rounds: window.rounds, execs: window.execs });
      before = phase;
    }
    return {
      cluster: info,
      phases,
      summary: summariseLive(phases),
      ips,
      pods: [...placements.values()],
      externals: endpoints.map((e) => ({ address: e.address, served: served.has(e.address) })),
      timings,
      probeTimeoutMs: options.probe.timeoutMs,
    };
  } finally {
    const cleanupStart = clock();
    progress({ kind: "cleanup", elapsedMs: elapsed() });
    try {
      // A signal now still cleans up (cleanup is safe to call twice) and exits.
      await step("cleanup", cleanupOnce);
    } finally {
      removeSignals();
      timings.cleanupMs = clock() - cleanupStart;
    }
  }
}

function result(cell: CellLiveResult["cell"], predicted: Prediction, observed: ObservedCell, samples: readonly ProbeSample[]): CellLiveRun {
  return { cell, declared: declaredReach(cell.declared), predicted, observed, verdict: compareLiveCell(cell, predicted, observed), samples };
}

async function step<T>(stage: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw err instanceof ClusterFailure ? err : new ClusterFailure(stage, err);
  }
}

/** Pod IPs and Service ClusterIPs of the run, by workload id, and the served externals. */
function liveAddresses(
  plan: Plan,
  phase: Phase,
  ready: readonly ReadyPod[],
  serviceAddresses: readonly ServiceAddress[],
  info: ClusterInfo,
  servedExternals: ReadonlySet<string>,
  map: NamespaceMapping,
): LiveAddresses {
  const pods = new Map<string, PodRef & { ip: string }>();
  const services = new Map<string, string>([[plan.clusterDns, info.dns.serviceIp]]);
  const podByRef = new Map(ready.map((p) => [clientName(p), p]));
  const serviceByRef = new Map(serviceAddresses.map((s) => [clientName(s), s.clusterIp]));
  for (const w of phase.workloads.filter((x) => x.managed)) {
    const ref = clientName(podRefOf(w, map));
    const pod = podByRef.get(ref);
    if (pod) pods.set(w.id, { namespace: pod.namespace, name: pod.name, ip: pod.ip });
    const clusterIp = serviceByRef.get(ref);
    if (clusterIp) services.set(w.id, clusterIp);
  }
  if (info.dns.pod) pods.set(plan.clusterDns, { namespace: info.dns.pod.namespace, name: info.dns.pod.name, ip: info.dns.pod.ip });
  return { pods, services, servedExternals };
}

function groupByClient(probes: ReadonlyArray<Extract<CellProbe, { kind: "probe" }>>): { client: string; probes: ProbeSpec[] }[] {
  const groups = new Map<string, ProbeSpec[]>();
  for (const p of probes) groups.set(p.client, [...(groups.get(p.client) ?? []), p.spec]);
  return [...groups].map(([client, specs]) => ({ client, probes: specs }));
}

/** The probe engine's Transport over the Cluster port: clients are `<namespace>/<pod>`. */
export function clusterTransport(cluster: Cluster): Transport {
  return {
    exec: (client, argv, { timeoutMs }) => cluster.exec(parseClientName(client), argv, { timeoutMs, container: CONTAINER_NAME }),
  };
}

/** Until removed: the first Ctrl-C or SIGTERM cleans the cluster up and exits 130 / 143. */
function cleanUpOnSignal(cleanup: () => Promise<void>): () => void {
  let handling = false;
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const handler = () => {
      // A second Ctrl-C while cleaning up changes nothing: the first decides.
      if (handling) return;
      handling = true;
      process.stderr.write(`\nnetproof: ${signal === "SIGINT" ? "interrupted" : "terminated"}; removing what this run created…\n`);
      cleanup()
        .catch((err: unknown) => process.stderr.write(`netproof: cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`))
        .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    };
    // First in line, and listening until removed: whatever else listens (a
    // test lab's own handler) runs after and sees that netproof handles it.
    process.prependListener(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
