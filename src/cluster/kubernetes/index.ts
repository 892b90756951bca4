// The Kubernetes adapter's public surface.
export { connectKubeconfig, type ConnectOptions } from "./connect.ts";
export { KubernetesCluster, FIELD_MANAGER, type KubernetesClusterOptions } from "./cluster.ts";
export { loadKubeconfig, checkServer, type LoadedKubeconfig, type KubeconfigChoice } from "./kubeconfig.ts";
export { listLeftovers, removeLeftovers, type LeftoverRun } from "./leftovers.ts";
export { EXEC_TIMEOUT_EXIT } from "./exec.ts";
