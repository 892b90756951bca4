// The Cluster port: the only way the live pipeline reaches a cluster. It speaks
// Kubernetes objects and knows nothing of scenarios, policies or expectations.
// Every adapter (the network lab's in test/, a kubeconfig's, k3s's) passes the
// same contract suite (test/cluster/contract.ts).
import type { KubeObject, ObjectRef } from "../kube/object.ts";
import type { ExecResult } from "../probe/types.ts";

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

/** Names a Service. */
export type ServiceRef = PodRef;

export interface ServiceAddress extends ServiceRef {
  /** The Service's ClusterIP, as the cluster assigned it. */
  readonly clusterIp: string;
}

export interface ReadyPod extends PodRef {
  /** The pod's IPv4 (or only) address. */
  readonly ip: string;
  readonly node: string;
}

/**
 * An address outside the cluster that a scenario names. Where the cluster can
 * put a netproof server there (a lab host, a container on the k3s network),
 * the endpoint answers with `identity` on `ports`; elsewhere the address is
 * whatever the user's network has there.
 */
export interface ExternalEndpoint {
  readonly address: string;
  readonly ports: readonly { readonly port: number; readonly protocol: "TCP" | "UDP" | "SCTP" }[];
  readonly identity: string;
}

export interface ExternalsProvided {
  /** Addresses where a netproof server now answers; the rest are unserved. */
  readonly served: readonly string[];
}

export interface ClusterInfo {
  /** Shown at the start of a run and in reports, e.g. `lab`, `kubeconfig prod (context admin@prod)`. */
  readonly description: string;
  /** The cluster DNS Service's ClusterIP and the pod that serves it, when known. */
  readonly dns: { readonly serviceIp: string; readonly pod?: ReadyPod };
}

export interface ExecOptions {
  /** The exec is abandoned (and reported as exit 124) after this long. */
  readonly timeoutMs: number;
  readonly container?: string;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Called with a one-line status while waiting (e.g. `3/7 pods ready`). */
  readonly onProgress?: (status: string) => void;
}

export interface Cluster {
  info(): Promise<ClusterInfo>;
  /**
   * Creates or updates each object (server-side-apply semantics), in order:
   * applying the same objects twice changes nothing. Every object must carry
   * the run's ownership labels; the caller renders them.
   */
  apply(objects: readonly KubeObject[]): Promise<void>;
  /** Deletes the objects; one already gone is not an error. */
  delete(refs: readonly ObjectRef[]): Promise<void>;
  /** Resolves when every pod is Ready; rejects with a message that says what is wrong. */
  waitForPods(pods: readonly PodRef[], options: WaitOptions): Promise<ReadyPod[]>;
  /**
   * The ClusterIP of each applied Service (Service cells probe it); rejects
   * naming a Service that does not exist or has no ClusterIP (headless).
   */
  serviceAddresses(services: readonly ServiceRef[]): Promise<ServiceAddress[]>;
  /** Runs an argv in a pod (never through a shell it builds). The probe engine's Transport. */
  exec(pod: PodRef, argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Puts netproof servers at the scenario's external addresses where this cluster can. */
  provideExternals(endpoints: readonly ExternalEndpoint[]): Promise<ExternalsProvided>;
  /** What this run created and has not deleted, for reports and cleanup. */
  created(): Promise<ObjectRef[]>;
  /** Removes everything this run created; safe to call twice and after a partial start. */
  cleanup(): Promise<void>;
}

/** Labels every object netproof creates carries, so it deletes only its own. */
export const OWNER_LABEL = "app.kubernetes.io/managed-by";
export const OWNER_VALUE = "netproof";
export const RUN_LABEL = "netproof.dev/run";
