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
  { name: "kubeconfig", description: "an existing cluster, through a kubeconfig and context" },
  { name: "k3s", description: "a throwaway k3s with a CNI, in Docker" },
];

/** The adapters compiled into this build, by name. */
const AVAILABLE: Readonly<Record<string, () => Promise<Cluster>>> = {};

export async function openCluster(choice: string | undefined, scenario: string): Promise<Cluster> {
  const open = choice !== undefined ? AVAILABLE[choice] : Object.values(AVAILABLE)[0];
  if (open) return open();
  const known = CLUSTER_CHOICES.map((c) => `${c.name} (${c.description})`).join("; ");
  throw new UserError({
    message: `a live run needs a cluster, and this build of netproof has no cluster adapter yet: ${known} are planned`,
    hint: `check the scenario without a cluster: npm run scenario ${scenario} -- --plan`,
  });
}
