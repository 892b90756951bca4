// Which manifest documents netproof models, and for the others what happens
// to them, in one sentence a warning can carry. Plan mode evaluates
// networking.k8s.io/v1 NetworkPolicy (and reads v1 Namespace labels); every
// other document is ignored by the oracle, and a mistyped kind or a retired
// apiVersion would be refused by the API server.

import { apiGroup } from "./object.ts";

interface TypeMeta {
  readonly apiVersion: string;
  readonly kind: string;
}

const CLUSTER_SCOPED = new Set([
  "v1/Namespace",
  "v1/Node",
  "v1/PersistentVolume",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "apiextensions.k8s.io/CustomResourceDefinition",
  "storage.k8s.io/StorageClass",
  "scheduling.k8s.io/PriorityClass",
  "projectcalico.org/GlobalNetworkPolicy",
  "projectcalico.org/StagedGlobalNetworkPolicy",
  "projectcalico.org/GlobalNetworkSet",
  "projectcalico.org/HostEndpoint",
  "projectcalico.org/Tier",
  "crd.projectcalico.org/GlobalNetworkPolicy",
  "crd.projectcalico.org/GlobalNetworkSet",
  "policy.networking.k8s.io/AdminNetworkPolicy",
  "policy.networking.k8s.io/BaselineAdminNetworkPolicy",
  "cilium.io/CiliumClusterwideNetworkPolicy",
]);

export function isClusterScoped(object: TypeMeta): boolean {
  const group = apiGroup(object.apiVersion);
  return CLUSTER_SCOPED.has(`${group === "" ? object.apiVersion : group}/${object.kind}`);
}

/** Kinds of the built-in groups netproof is likely to see, to tell a typo from a custom resource. */
const KNOWN_KINDS: Readonly<Record<string, readonly string[]>> = {
  "networking.k8s.io": ["NetworkPolicy", "Ingress", "IngressClass", "IPAddress", "ServiceCIDR"],
  "": ["Namespace", "Pod", "Service", "ConfigMap", "Secret", "ServiceAccount", "Endpoints", "PersistentVolumeClaim"],
  apps: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
};

/** Why the oracle does not evaluate this document and what becomes of it; undefined when it is modelled. */
export function describeUnmodelled(object: TypeMeta): string | undefined {
  const { apiVersion, kind } = object;
  const group = apiGroup(apiVersion);
  if (apiVersion === "networking.k8s.io/v1" && kind === "NetworkPolicy") return undefined;
  if (apiVersion === "v1" && kind === "Namespace") return undefined;

  const ignored = "plan mode ignores it, so the predictions do not include it";
  if (kind === "NetworkPolicy" && (group === "networking.k8s.io" || group === "extensions")) {
    return `${apiVersion} NetworkPolicy is not served by current Kubernetes (NetworkPolicy is networking.k8s.io/v1; extensions/v1beta1 went in 1.16): kubectl apply fails with "no matches for kind"; ${ignored}`;
  }
  const known = KNOWN_KINDS[group];
  if (known && !known.includes(kind)) {
    const close = known.find((k) => sameKindLoosely(k, kind));
    if (close) return `kind "${kind}" does not exist in ${apiVersion} (did you mean ${close}?): kubectl apply fails; ${ignored}`;
  }
  if (group === "projectcalico.org" || group === "crd.projectcalico.org") {
    if (kind.startsWith("Staged")) return `Calico ${kind} is a staged policy that never enforces anything; ${ignored}`;
    if (kind.endsWith("NetworkPolicy")) {
      return `Calico ${kind} is not modelled by the oracle: predictions leave it out, and where it applies they may be wrong; a live run applies it as written (it needs Calico)`;
    }
  }
  if (group === "cilium.io" && kind.includes("NetworkPolicy")) {
    return `Cilium ${kind} is not modelled by the oracle: predictions leave it out, and where it applies they may be wrong; a live run applies it as written (it needs Cilium)`;
  }
  if (group === "policy.networking.k8s.io") {
    return `${kind} is not modelled by the oracle: predictions leave it out, and where it applies they may be wrong`;
  }
  if (kind.toLowerCase().includes("networkpolic")) {
    return `${apiVersion} ${kind} is not a policy netproof models: ${ignored}; a live run applies it as written`;
  }
  return `${apiVersion} ${kind} is not modelled: ${ignored}; a live run applies it as written`;
}

// "NetworkPolicies", "networkpolicy", "Networkpolicy" are NetworkPolicy mistyped.
function sameKindLoosely(known: string, written: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/ies$/, "y").replace(/(s|es)$/, "");
  return norm(known) === norm(written) || editDistance(known.toLowerCase(), written.toLowerCase()) <= 2;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
