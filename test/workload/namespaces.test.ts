import { expect } from "chai";
import { rewriteNamespaces, identityMapping, runNamespaceMapping } from "../../src/workload/namespaces.ts";
import { renderWorkloads } from "../../src/workload/objects.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import type { Phase } from "../../src/scenario/plan.ts";

const rename = (ns: string) => (ns === "kube-system" ? ns : `np-7f3a-${ns}`);

const policy: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "api-from-web", namespace: "shop" },
  spec: {
    podSelector: { matchLabels: { app: "api" } },
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web", team: "web" } } },
          { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["web", "kube-system"] }] } },
          { namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["web"] }] } },
        ],
      },
    ],
  },
};

describe("workload: namespaces renamed per run", () => {
  it("moves an object into the renamed namespace and rewrites selectors on kubernetes.io/metadata.name", () => {
    expect(rewriteNamespaces(policy, rename)).to.deep.equal({
      ...policy,
      metadata: { name: "api-from-web", namespace: "np-7f3a-shop" },
      spec: {
        podSelector: { matchLabels: { app: "api" } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "np-7f3a-web", team: "web" } } },
              {
                namespaceSelector: {
                  matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["np-7f3a-web", "kube-system"] }],
                },
              },
              { namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["web"] }] } },
            ],
          },
        ],
      },
    });
  });

  it("changes nothing by default", () => {
    expect(rewriteNamespaces(policy, identityMapping)).to.deep.equal(policy);
  });

  it("creates the renamed namespaces with their own name as kubernetes.io/metadata.name, and pods in them", () => {
    const phase: Phase = {
      name: "initial",
      namespaces: [
        { name: "shop", labels: { "kubernetes.io/metadata.name": "shop", team: "shop" }, managed: true },
        { name: "kube-system", labels: { "kubernetes.io/metadata.name": "kube-system" }, managed: false },
      ],
      workloads: [{ id: "shop/web", name: "web", namespace: "shop", labels: { app: "web" }, ports: [{ port: 80, protocol: "TCP" }], managed: true }],
      manifests: [],
      cells: [],
    };
    const objects = renderWorkloads(phase, { runId: "r1", mapNamespace: rename });
    expect(objects.namespaces.map((n) => [n.metadata.name, n.metadata.labels?.["kubernetes.io/metadata.name"], n.metadata.labels?.team])).to.deep.equal([
      ["np-7f3a-shop", "np-7f3a-shop", "shop"],
    ]);
    expect(objects.pods.map((p) => p.metadata.namespace)).to.deep.equal(["np-7f3a-shop"]);
    expect(objects.services.map((p) => p.metadata.namespace)).to.deep.equal(["np-7f3a-shop"]);
  });

  it("gives a run's namespaces names of their own, within 63 characters, and leaves the cluster's own alone", () => {
    const long = "a-namespace-name-that-is-long-enough-to-pass-the-limit-x";
    const other = "a-namespace-name-that-is-long-enough-to-pass-the-limit-y";
    const map = runNamespaceMapping("np-1a2b3c", new Set(["shop", long, other]));
    expect(map("shop")).to.equal("np-1a2b3c-shop");
    expect(map("kube-system")).to.equal("kube-system");
    expect(map(long)).to.have.length.at.most(63).and.match(/^np-1a2b3c-a-namespace-name-.*[a-z0-9]$/);
    expect(map(long)).to.not.equal(map(other));
  });
});
