// What a k3s bring-up hands to the rest of a run.
import type { ExternalEndpoint, ExternalsProvided } from "../port.ts";
import type { ResolvedProfile } from "./profiles.ts";

export interface K3sCluster {
  /** For the Kubernetes adapter: the API server at its host port. */
  readonly kubeconfig: string;
  /** e.g. `k3s-calico (Calico 3.33.1, container netproof-1a2b3c4d-k3s)`. */
  readonly description: string;
  readonly runId: string;
  readonly containerName: string;
  /** Starts a netproof server per IPv4 external address on the cluster's network (image: the pods' netshoot). */
  provideExternals(endpoints: readonly ExternalEndpoint[], image: string): Promise<ExternalsProvided>;
  /**
   * From now on the caller removes the cluster (through stop()) on Ctrl-C and
   * SIGTERM, in one cleanup with the rest of its run; until then the
   * bring-up's own handler does. Call it with no await before the caller's
   * handler is in place, so no signal falls between the two.
   */
  handOverSignals(): void;
  /** True when --reuse found a kept cluster: it outlives the run, so the run must remove its own objects from it. */
  readonly reused: boolean;
  /** Removes the containers and network of the run (unless kept); safe to call twice. */
  stop(): Promise<void>;
}

export function describeCluster(profile: ResolvedProfile, container: string): string {
  const cni = profile.cni ? `${profile.cni.name} ${profile.cni.version}` : profile.enforcesPolicy ? "flannel + kube-router" : "flannel, no policy enforcement";
  return `${profile.name} (${cni}, container ${container})`;
}
