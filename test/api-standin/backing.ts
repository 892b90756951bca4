// What the stand-in needs from the cluster that runs its pods: the Cluster
// port itself, and optionally the lab adapter's pod status feed (status and
// change events), which lets it serve a pod that failed as Failed at once
// instead of waiting on waitForPods.
import type { Cluster, PodRef } from "../../src/cluster/port.ts";

export type BackingCluster = Cluster;

export interface BackingPodStatus {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly phase: "Pending" | "Running" | "Succeeded" | "Failed";
  readonly ready: boolean;
  readonly ip: string;
  readonly node: string;
  readonly message: string;
}

export type BackingPodEvent =
  | { readonly type: "changed"; readonly status: BackingPodStatus }
  | { readonly type: "deleted"; readonly pod: PodRef; readonly uid: string };

export interface PodStatusFeed {
  podStatus(pod: PodRef): BackingPodStatus | undefined;
  onPodEvent(listener: (event: BackingPodEvent) => void): () => void;
}

export function podStatusFeed(backing: Cluster): PodStatusFeed | undefined {
  const b = backing as Partial<PodStatusFeed>;
  return typeof b.onPodEvent === "function" && typeof b.podStatus === "function" ? (backing as unknown as PodStatusFeed) : undefined;
}
