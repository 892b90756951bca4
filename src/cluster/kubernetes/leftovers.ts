// Leftovers of runs that died: namespaces carrying the owner label of
// netproof, grouped by run, for `netproof cleanup --kubeconfig FILE [--yes]`.
// A run still in progress elsewhere looks the same as a dead one, so the CLI
// shows each run's age and asks before removing (unless --yes).
import { CoreV1Api } from "@kubernetes/client-node";
import { RUN_LABEL } from "../port.ts";
import type { LoadedKubeconfig } from "./kubeconfig.ts";
import { deleteNamespacesAndWait } from "./namespaces.ts";
import { OWNER_SELECTOR } from "./ownership.ts";

export interface LeftoverRun {
  readonly runId: string;
  readonly namespaces: readonly string[];
  /** The oldest namespace's creation time. */
  readonly createdAt?: Date;
}

export async function listLeftovers(kubeconfig: LoadedKubeconfig, options: { exceptRun?: string } = {}): Promise<LeftoverRun[]> {
  const core = kubeconfig.kc.makeApiClient(CoreV1Api);
  const list = await core.listNamespace({ labelSelector: OWNER_SELECTOR });
  const runs = new Map<string, { namespaces: string[]; createdAt?: Date }>();
  for (const ns of list.items) {
    const name = ns.metadata?.name;
    const runId = ns.metadata?.labels?.[RUN_LABEL];
    if (!name || !runId || runId === options.exceptRun) continue;
    const run = runs.get(runId) ?? { namespaces: [] };
    run.namespaces.push(name);
    const created = ns.metadata?.creationTimestamp ? new Date(ns.metadata.creationTimestamp) : undefined;
    if (created && (!run.createdAt || created < run.createdAt)) run.createdAt = created;
    runs.set(runId, run);
  }
  return [...runs].map(([runId, run]) => ({ runId, namespaces: run.namespaces.sort(), createdAt: run.createdAt }));
}

/** Deletes the leftover runs' namespaces (each still checked to carry its run's label) and waits for them to go. */
export async function removeLeftovers(
  kubeconfig: LoadedKubeconfig,
  runs: readonly LeftoverRun[],
  timeoutMs = 120_000,
): Promise<void> {
  const core = kubeconfig.kc.makeApiClient(CoreV1Api);
  const names: string[] = [];
  for (const run of runs) {
    const list = await core.listNamespace({ labelSelector: `${OWNER_SELECTOR},${RUN_LABEL}=${run.runId}` });
    names.push(...list.items.map((n) => n.metadata?.name ?? "").filter((n) => run.namespaces.includes(n)));
  }
  await deleteNamespacesAndWait(core, names, timeoutMs);
}
