// The stand-in as a CNI: by default it enforces nothing (like flannel); with
// --enforce-as-predicted it drops what the oracle denies, following policies,
// labels and pods as they change. Driven through the Kubernetes adapter.
import { expect } from "chai";
import { connectKubeconfig } from "../../src/cluster/kubernetes/index.ts";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL, type PodRef } from "../../src/cluster/port.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { serverArgv } from "../../src/probe/servers.ts";
import { startStandIn, type RunningStandIn } from "../api-standin/fixture.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { eventually } from "./contract.ts";
import { LabCluster } from "./lab-adapter.ts";

const RUN = "enforce";
const NS = "enforce-x";
const owned = { [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: RUN };
const server: PodRef = { namespace: NS, name: "server" };
const client: PodRef = { namespace: NS, name: "client" };
const objects: KubeObject[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: NS, labels: owned } },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "server", namespace: NS, labels: { ...owned, app: "server" } },
    spec: {
      containers: [
        {
          name: "main",
          image: "netshoot",
          command: serverArgv(`${NS}/server`, [{ port: 8080, protocol: "TCP" }]),
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          readinessProbe: { tcpSocket: { port: "http" }, periodSeconds: 1 },
        },
      ],
    },
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "client", namespace: NS, labels: { ...owned, app: "client" } },
    spec: { containers: [{ name: "main", image: "netshoot", command: ["sleep", "86400"] }] },
  },
];
const denyIngress: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "deny-ingress", namespace: NS, labels: owned },
  spec: { podSelector: { matchLabels: { app: "server" } }, policyTypes: ["Ingress"] },
};
const policyRef = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespace: NS, name: "deny-ingress" };

for (const enforce of [false, true]) {
  describe(`API stand-in on the lab, ${enforce ? "--enforce-as-predicted" : "enforcing nothing"}`, function () {
    this.timeout(60_000);
    let lab: LabCluster;
    let s: RunningStandIn;
    let cluster: Awaited<ReturnType<typeof connectKubeconfig>>;
    let serverIp = "";

    before(async () => {
      assertLabUsable();
      lab = await LabCluster.start();
      s = await startStandIn({ backing: lab, enforceAsPredicted: enforce ? lab : undefined });
      cluster = await connectKubeconfig({ file: s.kubeconfig, runId: RUN });
      await cluster.apply(objects);
      const [ready] = await cluster.waitForPods([server, client], { timeoutMs: 30_000 });
      serverIp = ready!.ip;
    });
    after(async () => {
      await cluster?.cleanup();
      await s?.stop();
    });

    const connects = async () => (await cluster.exec(client, ["nc", "-z", "-w", "1", serverIp, "8080"], { timeoutMs: 5000 })).exitCode === 0;

    it(enforce ? "drops what the oracle denies, and lets it through again when the policy goes" : "lets denied traffic through, as flannel does", async () => {
      expect(await connects(), "before any policy").to.equal(true);
      await cluster.apply([denyIngress]);
      if (enforce) {
        await eventually(async () => expect(await connects()).to.equal(false), 10_000);
        // Every pod the oracle knows is denied, the cluster DNS pod too.
        expect(s.standIn.enforcer!.faults()).to.deep.equal([
          { from: `${NS}/client`, to: `${NS}/server`, port: 8080, protocol: "tcp", action: "drop" },
          { from: "kube-system/coredns", to: `${NS}/server`, port: 8080, protocol: "tcp", action: "drop" },
        ]);
        await cluster.delete([policyRef]);
        await eventually(async () => expect(await connects()).to.equal(true), 10_000);
      } else {
        await s.standIn.enforcer?.settled();
        expect(await connects(), "with a deny-all ingress policy and no enforcement").to.equal(true);
        await cluster.delete([policyRef]);
      }
    });
  });
}
