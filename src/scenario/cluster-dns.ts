// The cluster DNS every plan contains: not created by netproof, not part of
// the matrix, but a target statements may name and a peer policies see.

import type { PlannedNamespace, PlannedWorkload } from "./plan.ts";

export const CLUSTER_DNS_NAMESPACE: PlannedNamespace = {
  name: "kube-system",
  labels: { "kubernetes.io/metadata.name": "kube-system" },
  managed: false,
};

export const CLUSTER_DNS: PlannedWorkload = {
  id: "kube-system/coredns",
  name: "coredns",
  namespace: "kube-system",
  labels: { "k8s-app": "kube-dns" },
  ports: [
    { port: 53, protocol: "UDP", name: "dns" },
    { port: 53, protocol: "TCP", name: "dns-tcp" },
    { port: 9153, protocol: "TCP", name: "metrics" },
  ],
  managed: false,
};

export const CLUSTER_DNS_IP = "10.42.0.10";
