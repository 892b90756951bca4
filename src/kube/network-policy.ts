// networking.k8s.io/v1 NetworkPolicy, as the API server accepts it. The
// scenario stage validates manifests into these types; the oracle evaluates them.

import type { LabelSelector } from "./selector.ts";
import type { Protocol } from "./protocol.ts";

export type PolicyType = "Ingress" | "Egress";

export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  /** Defaults to TCP. */
  readonly protocol?: Protocol;
  /** A number or a named container port; absent = every port. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicy {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly PolicyType[];
    readonly ingress?: readonly NetworkPolicyIngressRule[];
    readonly egress?: readonly NetworkPolicyEgressRule[];
  };
}

export const NETWORK_POLICY_API_VERSION = "networking.k8s.io/v1";

export function isNetworkPolicyV1(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  return object.apiVersion === NETWORK_POLICY_API_VERSION && object.kind === "NetworkPolicy";
}
