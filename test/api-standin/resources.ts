// The resource kinds the stand-in serves, as discovery reports them. CRDs
// applied to it add their served versions here once Established.

export interface ResourceKind {
  readonly group: string; // "" for the core group
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

const BUILT_IN: readonly ResourceKind[] = [
  { group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false, shortNames: ["ns"] },
  { group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true, shortNames: ["po"] },
  { group: "", version: "v1", plural: "services", singular: "service", kind: "Service", namespaced: true, shortNames: ["svc"] },
  { group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true, shortNames: ["cm"] },
  { group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true, shortNames: ["ev"] },
  { group: "", version: "v1", plural: "nodes", singular: "node", kind: "Node", namespaced: false, shortNames: ["no"] },
  { group: "networking.k8s.io", version: "v1", plural: "networkpolicies", singular: "networkpolicy", kind: "NetworkPolicy", namespaced: true, shortNames: ["netpol"] },
  { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", singular: "customresourcedefinition", kind: "CustomResourceDefinition", namespaced: false, shortNames: ["crd", "crds"] },
];

const VERBS = ["create", "delete", "get", "list", "patch", "watch"];

export class ResourceTable {
  private readonly kinds: ResourceKind[] = [...BUILT_IN];

  add(kind: ResourceKind): void {
    const i = this.kinds.findIndex((k) => k.group === kind.group && k.version === kind.version && k.plural === kind.plural);
    if (i >= 0) this.kinds[i] = kind;
    else this.kinds.push(kind);
  }

  remove(group: string, plural: string): void {
    for (let i = this.kinds.length - 1; i >= 0; i--) {
      const k = this.kinds[i]!;
      if (k.group === group && k.plural === plural && !BUILT_IN.includes(k)) this.kinds.splice(i, 1);
    }
  }

  find(group: string, version: string, plural: string): ResourceKind | undefined {
    return this.kinds.find((k) => k.group === group && k.version === version && k.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceKind | undefined {
    const [group, version] = splitApiVersion(apiVersion);
    return this.kinds.find((k) => k.group === group && k.version === version && k.kind === kind);
  }

  /** `/api` */
  coreVersions(serverAddress: string): object {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
  }

  /** `/apis` */
  groups(): object {
    const byGroup = new Map<string, string[]>();
    for (const k of this.kinds) {
      if (!k.group) continue;
      const versions = byGroup.get(k.group) ?? [];
      if (!versions.includes(k.version)) versions.push(k.version);
      byGroup.set(k.group, versions);
    }
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [...byGroup].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    };
  }

  /** `/api/v1`, `/apis/G/V`, or undefined when that group version is not served. */
  resourceList(group: string, version: string): object | undefined {
    const kinds = this.kinds.filter((k) => k.group === group && k.version === version);
    if (!kinds.length) return undefined;
    const resources: object[] = kinds.map((k) => ({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: VERBS,
      ...(k.shortNames ? { shortNames: k.shortNames } : {}),
    }));
    if (group === "" && version === "v1") {
      resources.push({ name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] });
    }
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources };
  }
}

export function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

export function apiVersionOf(kind: ResourceKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}
