// The one entry point the CLI calls for `--kubeconfig FILE [--context NAME]`.
// Without a kubeconfig netproof never reaches an existing cluster, so there is
// no default here: the file is required.
import { KubernetesCluster } from "./cluster.ts";
import { checkServer, loadKubeconfig } from "./kubeconfig.ts";

export interface ConnectOptions {
  readonly file: string;
  readonly context?: string;
  /** The kubeconfig itself (a cluster netproof started); `file` then only names it in messages. */
  readonly text?: string;
  readonly runId: string;
  /** How long to wait for the API server's `/version` before giving up. */
  readonly connectTimeoutMs?: number;
  readonly cleanupTimeoutMs?: number;
}

/** Loads the kubeconfig, checks that its server answers, and returns the adapter. Failures are UserErrors. */
export async function connectKubeconfig(options: ConnectOptions): Promise<KubernetesCluster & { readonly serverVersion: string }> {
  const loaded = loadKubeconfig({ file: options.file, context: options.context, ...(options.text !== undefined ? { text: options.text } : {}) });
  const serverVersion = await checkServer(loaded, options.connectTimeoutMs ?? 5000);
  const cluster = new KubernetesCluster(loaded, { runId: options.runId, cleanupTimeoutMs: options.cleanupTimeoutMs });
  return Object.assign(cluster, { serverVersion });
}
