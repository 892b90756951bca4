// What the stand-in needs from the cluster that runs its pods: the Cluster
// port itself. The lab adapter is the real one; tests may use a smaller one.
export type { Cluster as BackingCluster } from "../../src/cluster/port.ts";
