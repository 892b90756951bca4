// The oracle's input and output. The input is a snapshot of a cluster
// (namespaces, pods with IPs and ports, NetworkPolicies); it does not know
// about scenarios or plans, so it can be fed from a plan or from a live cluster.

import type { Labels } from "../kube/labels.ts";
import type { NetworkPolicy } from "../kube/network-policy.ts";
import type { ServedPort } from "../kube/ports.ts";
import type { Protocol } from "../kube/protocol.ts";

// --- the oracle's model of a cluster ---------------------------------------

export interface OracleNamespace {
  readonly name: string;
  readonly labels: Labels;
}

export interface OraclePod {
  /** `<namespace>/<name>`. */
  readonly id: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ip: string;
  /** Container ports, used to resolve named ports in policies and queries. */
  readonly ports: readonly ServedPort[];
}

export interface OracleModel {
  readonly namespaces: readonly OracleNamespace[];
  readonly pods: readonly OraclePod[];
  readonly policies: readonly NetworkPolicy[];
}

export interface OracleQuery {
  /** Source pod id. */
  readonly from: string;
  /** A pod in the model, or an address outside it. */
  readonly to: { readonly pod: string } | { readonly ip: string };
  /** A number, or a port name resolved against the target pod's ports. */
  readonly port: number | string;
  readonly protocol: Protocol;
}

// --- the oracle's answer ----------------------------------------------------

/** A rule that let the traffic through: policy, rule index, peer index. */
export interface RuleRef {
  /** `<namespace>/<name>`. */
  readonly policy: string;
  readonly rule: number;
  /** Absent when the rule has no peers (matches every peer). */
  readonly peer?: number;
}

export type DirectionDecision =
  /** No policy of this direction selects the pod: allowed by default. */
  | { readonly kind: "not-isolated" }
  | {
      readonly kind: "allowed";
      /** Every policy of this direction that selects the pod. */
      readonly isolatedBy: readonly string[];
      /** The first rule (in policy name order) that allowed it. */
      readonly allowedBy: RuleRef;
    }
  | {
      readonly kind: "denied";
      readonly isolatedBy: readonly string[];
    }
  /** Ingress of a target outside the cluster: no policy applies there. */
  | { readonly kind: "not-applicable" };

export type Prediction =
  | {
      readonly kind: "allowed" | "denied";
      readonly egress: DirectionDecision;
      readonly ingress: DirectionDecision;
    }
  /**
   * The question itself has no answer, e.g. a named port that the target pod
   * does not have: the traffic cannot happen, and that is not a policy denial.
   */
  | { readonly kind: "invalid"; readonly reason: string };
