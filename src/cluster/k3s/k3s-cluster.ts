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
  /** Removes the containers and network of the run (unless kept); safe to call twice. */
  stop(): Promise<void>;
}

export function describeCluster(profile: ResolvedProfile, container: string): string {
  const cni = profile.cni ? `${profile.cni.name} ${profile.cni.version}` : profile.enforcesPolicy ? "flannel + kube-router" : "flannel, no policy enforcement";
  return `${profile.name} (${cni}, container ${container})`;
}
