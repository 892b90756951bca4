// The readiness gate: a cluster is usable when every check of its profile
// holds (node Ready, CNI pods up, CoreDNS available, ...). Written against a
// small reader so the same gate runs on kubectl inside the k3s container, on
// client-node, or on test data.
import type { ReadyCheck } from "./profile-schema.ts";

/** The few Kubernetes reads the gate needs; each returns the object as JSON, or undefined when it does not exist. */
export interface GateReader {
  nodes(): Promise<readonly NodeStatus[]>;
  daemonSet(namespace: string, name: string): Promise<DaemonSetStatus | undefined>;
  deployment(namespace: string, name: string): Promise<DeploymentStatus | undefined>;
  apiService(name: string): Promise<ApiServiceStatus | undefined>;
}

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly message?: string;
}

export interface NodeStatus {
  readonly metadata: { readonly name: string };
  readonly status?: { readonly conditions?: readonly Condition[] };
}
export interface DaemonSetStatus {
  readonly status?: { readonly numberReady?: number; readonly desiredNumberScheduled?: number };
}
export interface DeploymentStatus {
  readonly status?: { readonly availableReplicas?: number; readonly conditions?: readonly Condition[] };
}
export interface ApiServiceStatus {
  readonly status?: { readonly conditions?: readonly Condition[] };
}

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  /** Why not, in a few words (`NotReady: container runtime network not ready`). */
  readonly detail: string;
}

export function describeCheck(check: ReadyCheck): string {
  if ("nodesReady" in check) return "node Ready";
  if ("daemonSet" in check) return `daemonset ${check.daemonSet} ready`;
  if ("deployment" in check) return `deployment ${check.deployment} available`;
  return `apiservice ${check.apiService} available`;
}

/** Evaluates every check once. A read that fails counts as not ready (the API may be starting). */
export async function evaluateGate(checks: readonly ReadyCheck[], reader: GateReader): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (check) => {
      const name = describeCheck(check);
      try {
        return { check: name, ...(await evaluate(check, reader)) };
      } catch (e) {
        return { check: name, ok: false, detail: `not readable yet (${firstLine(e)})` };
      }
    }),
  );
}

async function evaluate(check: ReadyCheck, reader: GateReader): Promise<{ ok: boolean; detail: string }> {
  if ("nodesReady" in check) {
    const nodes = await reader.nodes();
    if (nodes.length === 0) return { ok: false, detail: "no node registered yet" };
    const notReady = nodes.filter((n) => condition(n.status?.conditions, "Ready")?.status !== "True");
    if (notReady.length === 0) return { ok: true, detail: `${nodes.length} Ready` };
    const first = notReady[0]!;
    const why = condition(first.status?.conditions, "Ready")?.message;
    return { ok: false, detail: `${first.metadata.name} NotReady${why ? `: ${why}` : ""}` };
  }
  if ("daemonSet" in check) {
    const [ns, name] = split(check.daemonSet);
    const ds = await reader.daemonSet(ns, name);
    if (!ds) return { ok: false, detail: "not created yet" };
    const ready = ds.status?.numberReady ?? 0;
    const desired = ds.status?.desiredNumberScheduled ?? 0;
    return { ok: ready >= 1, detail: `${ready}/${desired} ready` };
  }
  if ("deployment" in check) {
    const [ns, name] = split(check.deployment);
    const d = await reader.deployment(ns, name);
    if (!d) return { ok: false, detail: "not created yet" };
    const available = condition(d.status?.conditions, "Available");
    const ok = available?.status === "True" && (d.status?.availableReplicas ?? 0) >= 1;
    return { ok, detail: ok ? `${d.status?.availableReplicas} available` : available?.message ?? "no replica available yet" };
  }
  const svc = await reader.apiService(check.apiService);
  if (!svc) return { ok: false, detail: "not created yet" };
  const available = condition(svc.status?.conditions, "Available");
  return { ok: available?.status === "True", detail: available?.status === "True" ? "available" : available?.message ?? "not available yet" };
}

export interface WaitGateOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Called when the set of unmet checks changes, e.g. `waiting for: node Ready (k3s NotReady: ...)`. */
  readonly onProgress?: (status: string) => void;
  readonly signal?: AbortSignal;
}

/** Polls the gate until every check holds; rejects with the unmet checks when the time is up. */
export async function waitForGate(checks: readonly ReadyCheck[], reader: GateReader, options: WaitGateOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 2000;
  let last = "";
  for (;;) {
    options.signal?.throwIfAborted();
    const results = await evaluateGate(checks, reader);
    const unmet = results.filter((r) => !r.ok);
    if (unmet.length === 0) return;
    const status = `waiting for ${unmet.map((r) => `${r.check} (${r.detail})`).join(", ")}`;
    if (status !== last) options.onProgress?.(status);
    last = status;
    if (Date.now() + interval > deadline) {
      throw new GateTimeout(unmet, options.timeoutMs);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export class GateTimeout extends Error {
  constructor(readonly unmet: readonly CheckResult[], timeoutMs: number) {
    super(`the cluster was not ready after ${Math.round(timeoutMs / 1000)} s: ${unmet.map((r) => `${r.check}: ${r.detail}`).join("; ")}`);
    this.name = "GateTimeout";
  }
}

function condition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function split(qualified: string): [string, string] {
  const i = qualified.indexOf("/");
  return [qualified.slice(0, i), qualified.slice(i + 1)];
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0] ?? text;
}
