import { expect } from "chai";
import { loadScenario } from "../../src/scenario/load.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { renderWorkloads } from "../../src/workload/objects.ts";
import { renderPhaseManifests, removedManifests } from "../../src/workload/manifests.ts";
import { NETSHOOT_IMAGE } from "../../src/workload/image.ts";
import { serverArgv } from "../../src/probe/servers.ts";
import type { Plan } from "../../src/scenario/plan.ts";

const library = (name: string): Plan => loadScenario(resolveScenario(name, DEFAULT_SCENARIO_DIR));
const owned = { "app.kubernetes.io/managed-by": "netproof", "netproof.dev/run": "r1" };

describe("workload: a phase as Kubernetes objects", () => {
  const plan = library("three-tier");
  const [initial] = plan.phases;
  if (!initial) throw new Error("three-tier has no phase");
  const objects = renderWorkloads(initial, { runId: "r1" });

  it("creates the scenario's namespaces with their labels, owned by the run, never kube-system", () => {
    expect(objects.namespaces).to.deep.equal([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "shop", ...owned, "kubernetes.io/metadata.name": "shop" } } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "monitoring", labels: { ...owned, "kubernetes.io/metadata.name": "monitoring" } } },
    ]);
  });

  it("runs one netshoot pod per workload: its labels, named ports, the server with its identity, a readiness probe", () => {
    const api = objects.pods.find((p) => p.metadata.name === "api");
    expect(api).to.deep.equal({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "api", namespace: "shop", labels: { tier: "api", ...owned, "netproof.dev/workload": "api" } },
      spec: {
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 1,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "netproof.dev/run": "r1" } } },
        ],
        containers: [
          {
            name: "netproof",
            image: NETSHOOT_IMAGE,
            command: serverArgv("shop/api", [{ port: 8080, protocol: "TCP" }]),
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3 },
          },
        ],
      },
    });
    expect(NETSHOOT_IMAGE).to.match(/^docker\.io\/nicolaka\/netshoot:v0\.16@sha256:[0-9a-f]{64}$/);
  });

  it("keeps a workload without ports running as a client only, and gives it no Service", () => {
    const prober = objects.pods.find((p) => p.metadata.name === "prober");
    const [container] = (prober?.spec as { containers: Array<Record<string, unknown>> }).containers;
    expect(container?.command).to.have.length(4);
    expect(container).to.not.have.property("ports");
    expect(container).to.not.have.property("readinessProbe");
    expect(objects.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).to.deep.equal(["shop/web", "shop/api", "shop/db"]);
    expect(objects.pods.map((p) => p.metadata.name)).to.not.include("coredns");
  });

  it("puts a ClusterIP Service with the same ports in front of each serving pod, selecting only that pod", () => {
    const api = objects.services.find((s) => s.metadata.name === "api");
    expect(api?.spec).to.deep.equal({
      type: "ClusterIP",
      selector: { "netproof.dev/workload": "api", "netproof.dev/run": "r1" },
      ports: [{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }],
    });
    expect(api?.metadata.labels).to.deep.equal(owned);
  });

  it("checks UDP-only pods for readiness by their listener", () => {
    const phase = {
      ...initial,
      workloads: [{ id: "shop/dns", name: "dns", namespace: "shop", labels: {}, ports: [{ port: 5353, protocol: "UDP" as const }], managed: true }],
    };
    const [pod] = renderWorkloads(phase, { runId: "r1" }).pods;
    const [container] = (pod?.spec as { containers: Array<Record<string, unknown>> }).containers;
    const probe = container?.readinessProbe as { exec: { command: string[] } };
    expect(probe.exec.command.slice(0, 2)).to.deep.equal(["sh", "-c"]);
    expect(probe.exec.command.slice(3)).to.deep.equal(["netproof-ready", "5353"]);
  });

  it("takes another image when asked", () => {
    const pods = renderWorkloads(initial, { runId: "r1", image: "registry.local/netshoot:dev" }).pods;
    expect(pods.every((p) => JSON.stringify(p).includes("registry.local/netshoot:dev"))).to.equal(true);
  });

  it("renders pod-IP templates with the real IPs and labels every manifest as the run's", () => {
    const except = library("ipblock-except");
    const [phase] = except.phases;
    const ips = { ...except.plannedIps, "prod/batch": "10.42.7.9" };
    const manifests = renderPhaseManifests(phase!, ips, { runId: "r1" });
    const db = manifests.find((m) => m.metadata.name === "db-ingress");
    expect(JSON.stringify(db)).to.include('"except":["10.42.7.9/32"]');
    expect(JSON.stringify(db)).to.not.include("{{");
    for (const m of manifests) expect(m.metadata.labels).to.deep.include(owned);
  });

  it("names the manifests a step deletes, as the cluster knows them", () => {
    const deny = library("default-deny-all");
    const [, second, third] = deny.phases;
    expect(removedManifests(second, third!, { runId: "r1", mapNamespace: (n) => `x-${n}` })).to.deep.equal([
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespace: "x-prod", name: "default-deny-all" },
    ]);
    expect(removedManifests(undefined, second!, { runId: "r1" })).to.deep.equal([]);
  });
});
