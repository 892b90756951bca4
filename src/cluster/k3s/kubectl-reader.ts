// The readiness gate's reads, done by the kubectl that ships inside the k3s
// container (`k3s kubectl`): no client library and no port mapping needed
// before the cluster is usable. A Kubernetes-client reader can replace it.
import type { ApiServiceStatus, DaemonSetStatus, DeploymentStatus, GateReader, NodeStatus } from "./readiness.ts";

export type ExecInNode = (argv: readonly string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export function kubectlGateReader(exec: ExecInNode): GateReader {
  const get = async <T>(args: readonly string[]): Promise<T | undefined> => {
    const r = await exec(["k3s", "kubectl", "get", ...args, "-o", "json"]);
    if (r.exitCode === 0) return JSON.parse(r.stdout) as T;
    if (/\bNotFound\b|not found/.test(r.stderr)) return undefined;
    throw new Error(`kubectl get ${args.join(" ")}: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? `exit ${r.exitCode}`}`);
  };
  return {
    nodes: async () => (await get<{ items: NodeStatus[] }>(["nodes"]))?.items ?? [],
    daemonSet: (namespace, name) => get<DaemonSetStatus>(["daemonset", "-n", namespace, name]),
    deployment: (namespace, name) => get<DeploymentStatus>(["deployment", "-n", namespace, name]),
    apiService: (name) => get<ApiServiceStatus>(["apiservice", name]),
  };
}
