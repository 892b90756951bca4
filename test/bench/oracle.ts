// Oracle throughput: every pod to every pod on two ports, with 200 policies
// mixing pod and namespace selectors, matchExpressions, ipBlocks, named ports
// and endPort ranges. The cluster is generated from a fixed seed, so runs
// compare. Run alone with `npx tsx test/bench/oracle.ts`.

import { pathToFileURL } from "node:url";
import { createOracle } from "../../src/oracle/oracle.ts";
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from "../../src/kube/network-policy.ts";
import type { LabelSelector } from "../../src/kube/selector.ts";
import type { OracleModel, OracleQuery } from "../../src/oracle/types.ts";

const NAMESPACES = 25;
const POLICIES = 200;
const SIZES = [5, 10, 20] as const; // pods per namespace: 125, 250, 500 pods
const APPS = ["web", "api", "db", "cache", "queue", "worker", "auth", "search"];
const TEAMS = ["red", "blue", "green", "gold", "grey"];
const ENVS = ["dev", "staging", "prod"];

export interface OracleBenchRow {
  readonly pods: number;
  readonly policies: number;
  readonly cells: number;
  readonly buildMs: number;
  readonly predictMs: number;
  readonly allowed: number;
}

export async function runOracleBench(): Promise<void> {
  // Warm the JIT first, or the smallest size pays for compiling the oracle.
  measure(generateCluster(SIZES[0]));
  const rows = SIZES.map((perNamespace) => measure(generateCluster(perNamespace)));
  console.log("oracle: every pod to every pod, 2 ports each");
  console.log(formatTable(rows));
}

export function measure(model: OracleModel): OracleBenchRow {
  const started = performance.now();
  const oracle = createOracle(model);
  const built = performance.now();
  const targets = model.pods.map((pod) => ({ pod: pod.id }));
  const ports: readonly (number | string)[] = [80, "metrics"];
  let cells = 0;
  let allowed = 0;
  for (const source of model.pods) {
    for (const to of targets) {
      for (const port of ports) {
        const query: OracleQuery = { from: source.id, to, port, protocol: "TCP" };
        if (oracle.predict(query).kind === "allowed") allowed++;
        cells++;
      }
    }
  }
  const done = performance.now();
  return { pods: model.pods.length, policies: model.policies.length, cells, buildMs: built - started, predictMs: done - built, allowed };
}

export function formatTable(rows: readonly OracleBenchRow[]): string {
  // ns/cell counts prediction only: the per-cell cost, flat when growth is linear.
  const header = ["pods", "policies", "cells", "build ms", "predict ms", "total ms", "cells/s", "ns/cell", "allowed"];
  const body = rows.map((r) => {
    const total = r.buildMs + r.predictMs;
    return [
      String(r.pods),
      String(r.policies),
      String(r.cells),
      r.buildMs.toFixed(1),
      r.predictMs.toFixed(1),
      total.toFixed(1),
      Math.round(r.cells / (total / 1000)).toLocaleString("en-US"),
      Math.round((r.predictMs * 1e6) / r.cells).toString(),
      String(r.allowed),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cols: readonly string[]): string => cols.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

/** 25 namespaces × `perNamespace` pods and 200 policies, from a fixed seed. */
export function generateCluster(perNamespace: number): OracleModel {
  const random = mulberry32(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const namespaces = Array.from({ length: NAMESPACES }, (_, n) => ({
    name: `ns${n}`,
    labels: { "kubernetes.io/metadata.name": `ns${n}`, team: TEAMS[n % TEAMS.length] as string, env: ENVS[n % ENVS.length] as string },
  }));
  const pods = namespaces.flatMap((ns, n) =>
    Array.from({ length: perNamespace }, (_, p) => {
      const labels: Record<string, string> = { app: APPS[p % APPS.length] as string, tier: p % 3 === 0 ? "front" : "back" };
      if (p % 4 === 0) labels["canary"] = "true";
      return {
        id: `${ns.name}/pod${p}`,
        namespace: ns.name,
        labels,
        ip: `10.42.${n}.${p + 10}`,
        ports: [
          { port: 80, protocol: "TCP" as const, name: "http" },
          { port: p % 2 === 0 ? 9090 : 9100, protocol: "TCP" as const, name: "metrics" },
          { port: 53, protocol: "UDP" as const, name: "dns" },
        ],
      };
    }),
  );

  const podSelector = (): LabelSelector => {
    switch (Math.floor(random() * 4)) {
      case 0:
        return {};
      case 1:
        return { matchLabels: { app: pick(APPS) } };
      case 2:
        return { matchExpressions: [{ key: "app", operator: "In", values: [pick(APPS), pick(APPS)] }] };
      default:
        return { matchLabels: { tier: pick(["front", "back"]) }, matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] };
    }
  };
  const namespaceSelector = (): LabelSelector =>
    random() < 0.5
      ? { matchLabels: { team: pick(TEAMS) } }
      : { matchExpressions: [{ key: "env", operator: "NotIn", values: [pick(ENVS)] }] };
  const peer = (): NetworkPolicyPeer => {
    switch (Math.floor(random() * 4)) {
      case 0:
        return { podSelector: podSelector() };
      case 1:
        return { namespaceSelector: namespaceSelector() };
      case 2:
        return { podSelector: podSelector(), namespaceSelector: namespaceSelector() };
      default: {
        const n = Math.floor(random() * NAMESPACES);
        return { ipBlock: { cidr: `10.42.${n}.0/24`, except: [`10.42.${n}.${10 + Math.floor(random() * perNamespace)}/32`] } };
      }
    }
  };
  const port = (): NetworkPolicyPort => {
    switch (Math.floor(random() * 4)) {
      case 0:
        return { port: 80 };
      case 1:
        return { port: "metrics" };
      case 2:
        return { port: 9000, endPort: 9095, protocol: "TCP" };
      default:
        return { protocol: "UDP", port: "dns" };
    }
  };
  const some = <T>(make: () => T, max: number): T[] => Array.from({ length: Math.floor(random() * (max + 1)) }, make);
  const ingressRule = (): NetworkPolicyIngressRule => ({ from: some(peer, 3), ports: some(port, 2) });
  const egressRule = (): NetworkPolicyEgressRule => ({ to: some(peer, 3), ports: some(port, 2) });

  const policies: NetworkPolicy[] = Array.from({ length: POLICIES }, (_, i) => {
    const namespace = `ns${i % NAMESPACES}`;
    const kind = random();
    const spec: NetworkPolicy["spec"] =
      i % 10 === 0
        ? { podSelector: {}, policyTypes: ["Ingress", "Egress"] }
        : kind < 0.5
          ? { podSelector: podSelector(), ingress: some(ingressRule, 3) }
          : kind < 0.8
            ? { podSelector: podSelector(), policyTypes: ["Egress"], egress: some(egressRule, 3) }
            : { podSelector: podSelector(), ingress: some(ingressRule, 2), egress: some(egressRule, 2) };
    return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { namespace, name: `policy-${i}` }, spec };
  });

  return { namespaces, pods, policies };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOracleBench();
}
