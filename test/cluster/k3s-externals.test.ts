import { expect } from "chai";
import { planExternals, nodeRouteArgv } from "../../src/cluster/k3s/externals.ts";
import { serverArgv } from "../../src/probe/servers.ts";

const options = { image: "docker.io/nicolaka/netshoot:v0.16@sha256:" + "0".repeat(64), network: "netproof-1a2b3c4d", runId: "1a2b3c4d", labels: { "netproof.dev/run": "1a2b3c4d" } };

describe("externals on a k3s profile: one server container per IPv4 address", () => {
  const endpoints = [
    { address: "203.0.113.10", ports: [{ port: 443, protocol: "TCP" as const }, { port: 53, protocol: "UDP" as const }], identity: "external/payments" },
    { address: "2001:db8::10", ports: [{ port: 443, protocol: "TCP" as const }], identity: "external/payments-v6" },
    { address: "198.51.100.7", ports: [{ port: 80, protocol: "TCP" as const }], identity: "external/api" },
  ];

  it("a container on the cluster's network, with only NET_ADMIN, serving the probe server at the address", () => {
    const plan = planExternals(endpoints, options);
    expect(plan.containers.map((c) => c.name)).to.deep.equal(["netproof-1a2b3c4d-external-0", "netproof-1a2b3c4d-external-2"]);
    const first = plan.containers[0]!;
    expect(first).to.deep.include({ image: options.image, network: "netproof-1a2b3c4d", labels: options.labels });
    expect(first.capAdd).to.deep.equal(["NET_ADMIN"]);
    const server = serverArgv("external/payments", [{ port: 443, protocol: "TCP" }, { port: 53, protocol: "UDP" }]);
    expect(first.command.slice(0, 2)).to.deep.equal(["sh", "-c"]);
    expect(first.command.slice(3)).to.deep.equal(["netproof-external", "1", "203.0.113.10/32", ...server]);
  });

  it("IPv6 addresses stay unserved (the network is IPv4)", () => {
    expect(planExternals(endpoints, options).unserved).to.deep.equal(["2001:db8::10"]);
  });

  it("the set-up script takes the addresses as arguments and execs the server", async () => {
    const { execa } = await import("execa");
    const first = planExternals(endpoints, options).containers[0]!;
    // Run the script itself with `ip` and the server replaced by echo: what it would do, in order.
    const script = first.command[2]!;
    const r = await execa("sh", ["-c", `ip() { echo "ip $*"; }; ${script}`, "netproof-external", "2", "203.0.113.10/32", "203.0.113.11/32", "echo", "server", "started"]);
    expect(r.stdout.split("\n")).to.deep.equal(["ip addr add 203.0.113.10/32 dev lo", "ip addr add 203.0.113.11/32 dev lo", "server started"]);
  });

  it("the node routes the address to the container", () => {
    expect(nodeRouteArgv("203.0.113.10", "172.18.0.3")).to.deep.equal(["ip", "route", "replace", "203.0.113.10/32", "via", "172.18.0.3"]);
    expect(() => nodeRouteArgv("203.0.113.10; rm -rf /", "172.18.0.3")).to.throw("must be IPv4");
  });
});
