import { expect } from "chai";
import { clusterNetwork, type NetworkPod } from "./lab-network.ts";

const pod = (ip: string, labels: Record<string, string>, extra: Partial<NetworkPod> = {}): NetworkPod => ({
  namespace: "shop",
  ip,
  labels,
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  ready: true,
  ...extra,
});

describe("lab adapter: Services as DNAT rules and DNS records", () => {
  const shape = { selector: { app: "web" }, ports: [{ port: 80, protocol: "TCP" as const, targetPort: "http" }], type: "ClusterIP" };

  it("sends a ClusterIP port to the ready pods its selector picks, named ports resolved per pod", () => {
    const pods = [
      pod("10.77.0.12", { app: "web" }),
      pod("10.77.0.11", { app: "web", extra: "x" }, { ports: [{ name: "http", port: 9090, protocol: "TCP" }] }),
      pod("10.77.0.13", { app: "web" }, { ready: false }),
      pod("10.77.0.14", { app: "api" }),
      pod("10.77.0.15", { app: "web" }, { namespace: "other" }),
      pod("10.77.0.16", { app: "web" }, { ports: [{ name: "grpc", port: 8080, protocol: "TCP" }] }),
    ];
    const { rules, records } = clusterNetwork([{ namespace: "shop", name: "web", shape, clusterIp: "10.96.0.20" }], pods, "10.77.0.2");
    expect(rules).to.deep.equal([
      {
        clusterIp: "10.96.0.20",
        port: 80,
        protocol: "tcp",
        endpoints: [
          { address: "10.77.0.11", port: 9090 },
          { address: "10.77.0.12", port: 8080 },
        ],
      },
    ]);
    expect(records).to.deep.include({ name: "web.shop.svc.cluster.local", address: "10.96.0.20" });
    expect(records).to.deep.include({ name: "kubernetes.default.svc.cluster.local", address: "10.96.0.1" });
  });

  it("keeps a ClusterIP with no endpoint (so it is refused), and answers a headless name with the pods", () => {
    const { rules, records } = clusterNetwork(
      [
        { namespace: "shop", name: "none", shape: { ...shape, selector: { app: "nobody" } }, clusterIp: "10.96.0.21" },
        { namespace: "shop", name: "hl", shape, clusterIp: undefined },
      ],
      [pod("10.77.0.12", { app: "web" })],
      "10.77.0.2",
    );
    expect(rules).to.deep.equal([{ clusterIp: "10.96.0.21", port: 80, protocol: "tcp", endpoints: [] }]);
    expect(records.filter((r) => r.name.startsWith("hl."))).to.deep.equal([{ name: "hl.shop.svc.cluster.local", address: "10.77.0.12" }]);
  });

  it("matches labels as strings only: a selector on constructor does not match a pod without it", () => {
    const { rules } = clusterNetwork(
      [{ namespace: "shop", name: "odd", shape: { ...shape, selector: { constructor: "x" } }, clusterIp: "10.96.0.22" }],
      [pod("10.77.0.12", {})],
      "10.77.0.2",
    );
    expect(rules[0]?.endpoints).to.deep.equal([]);
  });
});
