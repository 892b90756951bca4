// Which cluster a live run uses. The adapters (an existing cluster through a
// kubeconfig, k3s in Docker) land in later versions; until then this says so,
// names them, and points at plan mode, which needs no cluster.
import type { Cluster } from "../cluster/port.ts";
import { UserError } from "../user-error.ts";

export interface ClusterChoice {
  readonly name: string;
  readonly description: string;
}

export const CLUSTER_CHOICES: readonly ClusterChoice[] = [
  { name: "--kubeconfig <file>", description: "an existing cluster, through a kubeconfig and context" },
  { name: "--cluster <profile>", description: "a throwaway k3s with a CNI, in Docker (profiles in clusters/)" },
];

export interface ClusterFlags {
  readonly cluster?: string;
  readonly kubeconfig?: string;
}

/**
 * The cluster the flags ask for. No adapter is wired into this build yet (the
 * Kubernetes adapter, and k3s bring-up through it, come next): every choice
 * ends here with what exists and what to run instead.
 */
export async function openCluster(_flags: ClusterFlags, scenario: string): Promise<Cluster> {
  const known = CLUSTER_CHOICES.map((c) => `${c.name} (${c.description})`).join("; ");
  throw new UserError({
    message: `a live run needs a cluster, and this build of netproof has no cluster adapter yet: ${known} are planned`,
    hint: `check the scenario without a cluster: npm run scenario ${scenario} -- --plan`,
  });
}
