// The Plan: what a scenario expands into. Plain, readonly data; every later
// stage (oracle, workload, cluster, probe, verdict, report) reads it and none
// writes it back.

import type { KubeObject } from "../kube/object.ts";
import type { Labels } from "../kube/labels.ts";
import type { ServedPort } from "../kube/ports.ts";
import type { Protocol } from "../kube/protocol.ts";

export type ProbeKind = "tcp" | "udp" | "sctp" | "http" | "dns";

/** Where a thing was written, so messages and reports can point at it. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export interface PlannedNamespace {
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name: <name>`, as Kubernetes sets it. */
  readonly labels: Labels;
  /** false for namespaces netproof does not create (kube-system). */
  readonly managed: boolean;
}

export interface PlannedWorkload {
  /** `<namespace>/<name>`, unique in the plan. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ServedPort[];
  /** false for workloads netproof does not create (cluster DNS). */
  readonly managed: boolean;
}

export type Target =
  /** A workload's pod IP. */
  | { readonly kind: "workload"; readonly workload: string }
  /** The ClusterIP Service in front of a workload (same ports as the pod). */
  | { readonly kind: "service"; readonly workload: string }
  /** An address outside the cluster; only the source's egress policy applies. */
  | { readonly kind: "external"; readonly address: string; readonly host?: string }
  /** A DNS name the source resolves through the cluster DNS. */
  | { readonly kind: "dns"; readonly name: string };

export interface HttpCheck {
  readonly method: string;
  readonly path: string;
  /** The status the author expects when the request is allowed. */
  readonly status?: number;
}

/**
 * What the author declared for a cell. `oracle` means the author left the
 * cell to the oracle (default `as-predicted`): only predicted vs observed counts.
 */
export type Declared =
  | { readonly kind: "allow"; readonly at: SourceRef }
  | { readonly kind: "deny"; readonly at: SourceRef }
  | { readonly kind: "oracle" };

export interface Cell {
  /** Stable and human-readable, e.g. `prod/frontend -> prod/backend:8080/TCP`. */
  readonly key: string;
  /** Source workload id. */
  readonly from: string;
  readonly to: Target;
  /** A number, or a port name resolved against the target pod's ports. */
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly kind: ProbeKind;
  readonly http?: HttpCheck;
  readonly declared: Declared;
}

/** A manifest document in force during a phase, as written (templates unrendered). */
export interface PlannedManifest {
  /** `<kind>/<namespace>/<name>` (namespace omitted for cluster-scoped kinds). */
  readonly id: string;
  readonly origin: SourceRef;
  readonly object: KubeObject;
}

/** The initial state or one later step, with everything in force during it. */
export interface Phase {
  readonly name: string;
  readonly description?: string;
  readonly namespaces: readonly PlannedNamespace[];
  readonly workloads: readonly PlannedWorkload[];
  readonly manifests: readonly PlannedManifest[];
  readonly cells: readonly Cell[];
}

export interface Plan {
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    readonly file: string;
    /** Set when the scenario is written to show a mistake on purpose. */
    readonly demonstratesMistake?: string;
  };
  readonly phases: readonly Phase[];
  /**
   * Deterministic pod IPs from 10.42.0.0/16 for plan mode, by workload id
   * (cluster DNS included). A live run replaces them with the real ones.
   */
  readonly plannedIps: Readonly<Record<string, string>>;
  /** The workload id that serves cluster DNS (kube-system/coredns). */
  readonly clusterDns: string;
  readonly warnings: readonly ScenarioWarning[];
}

export interface ScenarioWarning {
  readonly at: SourceRef;
  readonly field: string;
  readonly message: string;
}
