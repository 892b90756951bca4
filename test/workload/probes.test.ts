import { expect } from "chai";
import { loadScenario } from "../../src/scenario/load.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { cellProbes, externalEndpoints, type CellProbe, type LiveAddresses } from "../../src/workload/probes.ts";
import type { Plan } from "../../src/scenario/plan.ts";
import { load, SHOP } from "../scenario/helpers.ts";

const library = (name: string): Plan => loadScenario(resolveScenario(name, DEFAULT_SCENARIO_DIR));

const live: LiveAddresses = {
  pods: new Map([
    ["shop/web", { namespace: "shop", name: "web", ip: "10.42.3.1" }],
    ["shop/api", { namespace: "shop", name: "api", ip: "10.42.3.2" }],
    ["shop/db", { namespace: "shop", name: "db", ip: "10.42.3.3" }],
    ["monitoring/prober", { namespace: "monitoring", name: "prober", ip: "10.42.3.4" }],
  ]),
  services: new Map([
    ["shop/web", "10.43.0.11"],
    ["shop/api", "10.43.0.12"],
  ]),
  servedExternals: new Set(["203.0.113.10"]),
};

function probeOf(probes: readonly CellProbe[], key: string): CellProbe {
  const p = probes.find((x) => x.cell.key === key);
  if (!p) throw new Error(`no cell ${key}; have ${probes.map((x) => x.cell.key).join(", ")}`);
  return p;
}

describe("workload: cells as probes", () => {
  const plan = library("three-tier");
  const probes = cellProbes(plan.phases[0]!, plan.clusterDns, live);

  it("probes a pod at its real IP from the source's pod, expecting the target's identity", () => {
    expect(probeOf(probes, "shop/web -> shop/api:8080/TCP")).to.deep.include({
      kind: "probe",
      client: "shop/web",
      pod: { namespace: "shop", name: "web" },
      spec: { id: "shop/web -> shop/api:8080/TCP", kind: "tcp", host: "10.42.3.2", port: 8080, expectIdentity: "shop/api" },
      listening: true,
      netproofServer: true,
    });
  });

  it("resolves DNS names through the pod's own resolver", () => {
    const dns = probeOf(probes, "shop/web -> dns:kubernetes.default.svc.cluster.local");
    expect(dns).to.deep.include({ spec: { id: dns.cell.key, kind: "dns", name: "kubernetes.default.svc.cluster.local" } });
  });

  it("probes externals the cluster serves with their identity", () => {
    const ext = probeOf(probes, "shop/web -> external:203.0.113.10:443/TCP");
    expect(ext).to.deep.include({
      spec: { id: ext.cell.key, kind: "tcp", host: "203.0.113.10", port: 443, expectIdentity: "external/203.0.113.10" },
      netproofServer: true,
    });
    const unserved = cellProbes(plan.phases[0]!, plan.clusterDns, { ...live, servedExternals: new Set() });
    expect(probeOf(unserved, ext.cell.key)).to.deep.include({
      spec: { id: ext.cell.key, kind: "tcp", host: "203.0.113.10", port: 443 },
      listening: false,
      netproofServer: false,
    });
  });

  it("says which cells cannot be probed, and why", () => {
    const without = cellProbes(plan.phases[0]!, plan.clusterDns, { ...live, pods: new Map([...live.pods].filter(([id]) => id !== "shop/db")) });
    expect(probeOf(without, "shop/api -> shop/db:5432/TCP")).to.deep.equal({
      kind: "unprobeable",
      cell: probeOf(probes, "shop/api -> shop/db:5432/TCP").cell,
      reason: "the cluster did not report a pod IP for shop/db",
    });
  });

  it("probes Services at their ClusterIP, HTTP with method and path, and named ports by the target's containerPorts", () => {
    const shop = load(`${SHOP}expect:
  allow:
    - web -> service:api:http
    - web -> api:8080/http GET /healthz 200
    - web -> api:http
    - web -> service:db:5432
`);
    const all = cellProbes(shop.phases[0]!, shop.clusterDns, { ...live, services: new Map([["shop/api", "10.43.0.12"]]) });
    expect(probeOf(all, "shop/web -> service:shop/api:http/TCP")).to.deep.include({
      spec: { id: "shop/web -> service:shop/api:http/TCP", kind: "tcp", host: "10.43.0.12", port: 8080, expectIdentity: "shop/api" },
    });
    expect(probeOf(all, "shop/web -> shop/api:8080/TCP http GET /healthz")).to.deep.include({
      spec: { id: "shop/web -> shop/api:8080/TCP http GET /healthz", kind: "http", host: "10.42.3.2", port: 8080, method: "GET", path: "/healthz" },
    });
    expect(probeOf(all, "shop/web -> shop/api:http/TCP")).to.deep.include({
      spec: { id: "shop/web -> shop/api:http/TCP", kind: "tcp", host: "10.42.3.2", port: 8080, expectIdentity: "shop/api" },
    });
    expect(probeOf(all, "shop/web -> service:shop/db:5432/TCP")).to.deep.include({ kind: "unprobeable" });
  });

  it("lists every external the plan reaches, with the ports asked of it", () => {
    expect(externalEndpoints(library("external-https-egress").phases)).to.deep.equal([
      { address: "203.0.113.10", ports: [{ port: 80, protocol: "TCP" }, { port: 443, protocol: "TCP" }], identity: "external/203.0.113.10" },
      { address: "2001:db8::10", ports: [{ port: 443, protocol: "TCP" }], identity: "external/2001:db8::10" },
      { address: "198.51.100.7", ports: [{ port: 443, protocol: "TCP" }], identity: "external/198.51.100.7" },
    ]);
  });
});
