import { expect } from "chai";
import { describe, it } from "mocha";
import { describePrediction } from "../../src/oracle/explain.ts";
import { predictPhase } from "../../src/oracle/predict-plan.ts";
import { CLUSTER_DNS } from "../../src/scenario/cluster-dns.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import type { Cell, Phase, Plan, PlannedManifest, Target } from "../../src/scenario/plan.ts";

const at = { file: "scenarios/shop.yaml", line: 1 };

function manifest(object: KubeObject): PlannedManifest {
  const ns = object.metadata.namespace;
  return { id: `${object.kind}/${ns === undefined ? "" : `${ns}/`}${object.metadata.name}`, origin: at, object };
}

function cell(from: string, to: Target, port: number | string, kind: Cell["kind"], protocol: Cell["protocol"] = "TCP"): Cell {
  const where = to.kind === "external" ? to.address : to.kind === "dns" ? to.name : `${to.kind}:${to.workload}`;
  return { key: `${from} -> ${where}:${port}/${kind}`, from, to, port, protocol, kind, declared: { kind: "oracle" } };
}

const cells: Cell[] = [
  cell("shop/web", { kind: "workload", workload: "shop/api" }, 8080, "tcp"),
  cell("shop/web", { kind: "service", workload: "shop/api" }, 8080, "http"),
  cell("shop/web", { kind: "workload", workload: "shop/api" }, "http", "http"),
  cell("shop/web", { kind: "workload", workload: "shop/api" }, "metrics", "tcp"),
  cell("shop/api", { kind: "workload", workload: "shop/web" }, 80, "tcp"),
  cell("shop/web", { kind: "external", address: "192.0.2.10" }, 443, "tcp"),
  cell("shop/web", { kind: "external", address: "198.51.100.7" }, 443, "tcp"),
  cell("shop/web", { kind: "dns", name: "api.shop.svc.cluster.local" }, 53, "dns", "UDP"),
  cell("shop/web", { kind: "workload", workload: "kube-system/coredns" }, 53, "tcp"),
];

const netpol = (name: string, spec: Record<string, unknown>, namespace: string | null = "shop"): KubeObject => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: namespace === null ? { name } : { name, namespace },
  spec,
});

const phase: Phase = {
  name: "initial",
  namespaces: [
    { name: "shop", labels: { "kubernetes.io/metadata.name": "shop" }, managed: true },
    { name: "kube-system", labels: { "kubernetes.io/metadata.name": "kube-system" }, managed: false },
  ],
  workloads: [
    { id: "shop/web", name: "web", namespace: "shop", labels: { app: "web" }, ports: [{ port: 80, protocol: "TCP", name: "http" }], managed: true },
    { id: "shop/api", name: "api", namespace: "shop", labels: { app: "api" }, ports: [{ port: 8080, protocol: "TCP", name: "http" }], managed: true },
    CLUSTER_DNS,
  ],
  manifests: [
    manifest(
      netpol("web-egress", {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Egress"],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: "api" } } }] },
          { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ port: 53, protocol: "UDP" }] },
          { to: [{ ipBlock: { cidr: "192.0.2.0/24" } }], ports: [{ port: 443 }] },
        ],
      }),
    ),
    manifest(netpol("api-ingress", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: "http" }] }] })),
    // No namespace: kubectl would put it in "default", where nothing runs.
    manifest(netpol("stray", { podSelector: {} }, null)),
    manifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" } }),
    manifest({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "deny-all" }, spec: {} }),
    manifest({ apiVersion: "crd.projectcalico.org/v1", kind: "NetworkPolicy", metadata: { name: "x", namespace: "shop" } }),
    manifest({ apiVersion: "projectcalico.org/v3", kind: "StagedNetworkPolicy", metadata: { name: "try", namespace: "shop" } }),
    manifest({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "pool" } }),
    manifest({ apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "AdminNetworkPolicy", metadata: { name: "admin" } }),
  ],
  cells,
};

const plan: Plan = {
  scenario: { name: "shop", description: "", file: at.file },
  phases: [phase],
  plannedIps: { "shop/web": "10.42.0.10", "shop/api": "10.42.0.11", "kube-system/coredns": "10.42.0.2" },
  clusterDns: "kube-system/coredns",
  warnings: [],
};

function explained(ips: Readonly<Record<string, string>> = plan.plannedIps): Record<string, string> {
  const predictions = predictPhase(plan, phase, ips);
  return Object.fromEntries(cells.map((c) => [c.key, describePrediction(predictions.get(c.key) ?? { kind: "invalid", reason: "missing" })]));
}

describe("oracle: predictPhase", () => {
  it("predicts every cell of the phase, keyed by Cell.key", () => {
    expect(explained()).to.deep.equal({
      "shop/web -> workload:shop/api:8080/tcp": "allowed: egress allowed by shop/web-egress rule 0 peer 0; ingress allowed by shop/api-ingress rule 0",
      // A Service is predicted as its pod on the same port (policy sees the packet after DNAT).
      "shop/web -> service:shop/api:8080/http": "allowed: egress allowed by shop/web-egress rule 0 peer 0; ingress allowed by shop/api-ingress rule 0",
      "shop/web -> workload:shop/api:http/http": "allowed: egress allowed by shop/web-egress rule 0 peer 0; ingress allowed by shop/api-ingress rule 0",
      "shop/web -> workload:shop/api:metrics/tcp": "invalid: shop/api has no TCP port named metrics",
      "shop/api -> workload:shop/web:80/tcp": "allowed: egress not isolated; ingress not isolated",
      "shop/web -> 192.0.2.10:443/tcp": "allowed: egress allowed by shop/web-egress rule 2 peer 0; ingress not applicable (outside the cluster)",
      "shop/web -> 198.51.100.7:443/tcp": "denied: egress isolated by shop/web-egress and no rule allows it",
      "shop/web -> api.shop.svc.cluster.local:53/dns": "allowed: egress allowed by shop/web-egress rule 1 peer 0; ingress not isolated",
      "shop/web -> workload:kube-system/coredns:53/tcp": "denied: egress isolated by shop/web-egress and no rule allows it",
    });
  });

  it("uses the IPs it is given, so live IPs can replace planned ones", () => {
    // With the live IPs, an ipBlock written for external hosts covers api's pod.
    const live = { ...plan.plannedIps, "shop/api": "192.0.2.50" };
    const predictions = predictPhase(plan, phase, live);
    const viaIp = predictPhase(plan, { ...phase, cells: [cell("shop/web", { kind: "external", address: "192.0.2.50" }, 8080, "tcp")] }, live);
    expect(describePrediction(viaIp.get("shop/web -> 192.0.2.50:8080/tcp") ?? { kind: "invalid", reason: "missing" })).to.equal(
      "allowed: egress allowed by shop/web-egress rule 0 peer 0; ingress allowed by shop/api-ingress rule 0",
    );
    expect(predictions.size).to.equal(cells.length);
  });

  it("renders pod-IP templates in policies with the IPs it is given", () => {
    const templated: Phase = {
      ...phase,
      manifests: [
        manifest(
          netpol("api-from-web-ip", {
            podSelector: { matchLabels: { app: "api" } },
            ingress: [{ from: [{ ipBlock: { cidr: "{{ ip shop/web }}/32" } }] }],
          }),
        ),
      ],
      cells: [cell("shop/web", { kind: "workload", workload: "shop/api" }, 8080, "tcp")],
    };
    const fromWeb = "shop/web -> workload:shop/api:8080/tcp";
    // Live IPs: web has moved; the template follows it, so web is still admitted.
    const live = predictPhase(plan, templated, { ...plan.plannedIps, "shop/web": "10.42.7.7" });
    expect(live.get(fromWeb)?.kind).to.equal("allowed");
    // ...and the address web had in the plan is no longer the one the policy names.
    const api = predictPhase(plan, { ...templated, cells: [cell("shop/api", { kind: "workload", workload: "shop/api" }, 8080, "tcp")] }, {
      ...plan.plannedIps,
      "shop/web": "10.42.7.7",
    });
    expect(api.get("shop/api -> workload:shop/api:8080/tcp")?.kind).to.equal("denied");
  });
});
