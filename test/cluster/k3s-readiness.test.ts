import { expect } from "chai";
import { evaluateGate, waitForGate, GateTimeout, type GateReader } from "../../src/cluster/k3s/readiness.ts";
import { kubectlGateReader } from "../../src/cluster/k3s/kubectl-reader.ts";
import { loadProfile } from "../../src/cluster/k3s/profiles.ts";

const gate = loadProfile("k3s-calico").ready;

interface World {
  nodeReady: boolean;
  calicoNodeReady: number;
  controllers: boolean;
  coredns: boolean;
  apiserver: boolean;
  apiService: boolean;
}

function reader(world: World): GateReader {
  const deployment = (available: boolean) =>
    ({ status: { availableReplicas: available ? 1 : 0, conditions: [{ type: "Available", status: available ? "True" : "False", message: "Deployment does not have minimum availability." }] } });
  return {
    nodes: async () => [{ metadata: { name: "k3s" }, status: { conditions: [{ type: "Ready", status: world.nodeReady ? "True" : "False", message: "container runtime network not ready: cni plugin not initialized" }] } }],
    daemonSet: async (ns, name) => (ns === "kube-system" && name === "calico-node" ? { status: { numberReady: world.calicoNodeReady, desiredNumberScheduled: 1 } } : undefined),
    deployment: async (ns, name) => {
      if (ns === "kube-system" && name === "calico-kube-controllers") return deployment(world.controllers);
      if (ns === "kube-system" && name === "coredns") return deployment(world.coredns);
      if (ns === "calico-apiserver" && name === "calico-apiserver") return deployment(world.apiserver);
      return undefined;
    },
    apiService: async (name) => (name === "v3.projectcalico.org" ? { status: { conditions: [{ type: "Available", status: world.apiService ? "True" : "False", message: "endpoints for service/calico-api not found" }] } } : undefined),
  };
}

const allUp: World = { nodeReady: true, calicoNodeReady: 1, controllers: true, coredns: true, apiserver: true, apiService: true };

describe("readiness gate", () => {
  it("holds when the node is Ready, calico-node ready, the deployments and the APIService available", async () => {
    const results = await evaluateGate(gate, reader(allUp));
    expect(results.filter((r) => !r.ok)).to.deep.equal([]);
    expect(results.map((r) => r.check)).to.deep.equal([
      "node Ready",
      "daemonset kube-system/calico-node ready",
      "deployment kube-system/calico-kube-controllers available",
      "deployment kube-system/coredns available",
      "deployment calico-apiserver/calico-apiserver available",
      "apiservice v3.projectcalico.org available",
    ]);
  });

  it("names each unmet check and why", async () => {
    const results = await evaluateGate(gate, reader({ ...allUp, nodeReady: false, calicoNodeReady: 0, apiService: false }));
    expect(results.filter((r) => !r.ok).map((r) => `${r.check}: ${r.detail}`)).to.deep.equal([
      "node Ready: k3s NotReady: container runtime network not ready: cni plugin not initialized",
      "daemonset kube-system/calico-node ready: 0/1 ready",
      "apiservice v3.projectcalico.org available: endpoints for service/calico-api not found",
    ]);
  });

  it("an object not created yet, or an API that cannot answer yet, is not ready (never an error)", async () => {
    const failing: GateReader = { ...reader(allUp), nodes: async () => Promise.reject(new Error("connection refused")), deployment: async () => undefined };
    const results = await evaluateGate(gate, failing);
    expect(results.find((r) => r.check === "node Ready")).to.deep.include({ ok: false, detail: "not readable yet (connection refused)" });
    expect(results.find((r) => r.check === "deployment kube-system/coredns available")).to.deep.include({ ok: false, detail: "not created yet" });
  });

  it("waits until the gate holds, reporting each change of status", async () => {
    const world = { ...allUp, nodeReady: false, coredns: false };
    const seen: string[] = [];
    let polls = 0;
    const r = reader(world);
    const counting: GateReader = {
      ...r,
      nodes: async () => {
        polls++;
        if (polls === 2) world.nodeReady = true;
        if (polls === 3) world.coredns = true;
        return r.nodes();
      },
    };
    await waitForGate(gate, counting, { timeoutMs: 10_000, intervalMs: 1, onProgress: (s) => seen.push(s) });
    expect(polls).to.equal(3);
    expect(seen).to.have.length(2);
    expect(seen[0]).to.include("node Ready").and.include("coredns");
    expect(seen[1]).to.not.include("node Ready");
  });

  it("gives up after its time with the unmet checks", async () => {
    try {
      await waitForGate(gate, reader({ ...allUp, coredns: false }), { timeoutMs: 20, intervalMs: 5 });
      expect.fail("expected a timeout");
    } catch (e) {
      expect(e).to.be.instanceOf(GateTimeout);
      expect((e as GateTimeout).message).to.include("deployment kube-system/coredns available: Deployment does not have minimum availability.");
    }
  });

  it("reads through `k3s kubectl get ... -o json` in the node; NotFound is undefined", async () => {
    const calls: string[][] = [];
    const r = kubectlGateReader(async (argv) => {
      calls.push([...argv]);
      if (argv.includes("apiservice")) return { exitCode: 1, stdout: "", stderr: 'Error from server (NotFound): apiservices.apiregistration.k8s.io "v3.projectcalico.org" not found' };
      if (argv.includes("nodes")) return { exitCode: 0, stdout: JSON.stringify({ items: [{ metadata: { name: "n" } }] }), stderr: "" };
      return { exitCode: 1, stdout: "", stderr: "The connection to the server 127.0.0.1:6443 was refused" };
    });
    expect(await r.nodes()).to.deep.equal([{ metadata: { name: "n" } }]);
    expect(await r.apiService("v3.projectcalico.org")).to.equal(undefined);
    let error: unknown;
    await r.deployment("kube-system", "coredns").catch((e) => (error = e));
    expect(String(error)).to.include("was refused");
    expect(calls).to.deep.equal([
      ["k3s", "kubectl", "get", "nodes", "-o", "json"],
      ["k3s", "kubectl", "get", "apiservice", "v3.projectcalico.org", "-o", "json"],
      ["k3s", "kubectl", "get", "deployment", "-n", "kube-system", "coredns", "-o", "json"],
    ]);
  });
});
