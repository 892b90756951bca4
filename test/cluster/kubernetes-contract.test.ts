// The Kubernetes adapter passes the Cluster contract through the API stand-in,
// whose pods run on the lab adapter: client-node, real HTTP and the exec
// websocket on one side, network namespaces on the other.
import { connectKubeconfig } from "../../src/cluster/kubernetes/index.ts";
import { startStandIn, type RunningStandIn } from "../api-standin/fixture.ts";
import { clusterContract } from "./contract.ts";
import { LabCluster } from "./lab-adapter.ts";
import { listLeftovers } from "../lab/leftovers.ts";
import { assertLabUsable } from "../lab/preflight.ts";

function labResidue(prefix: string): string[] {
  const l = listLeftovers(prefix);
  return [...l.namespaces, ...l.processes.map((p) => `process ${p}`), ...l.etcNetns, ...l.tempDirs];
}

describe("Kubernetes adapter", function () {
  before(assertLabUsable);
  clusterContract("Kubernetes adapter over the API stand-in on the lab", async (run) => {
    const lab = await LabCluster.start();
    let s: RunningStandIn | undefined;
    try {
      s = await startStandIn({ backing: lab });
      const cluster = await connectKubeconfig({ file: s.kubeconfig, runId: run, cleanupTimeoutMs: 20_000 });
      const standIn = s;
      return {
        cluster,
        // The lab is the stand-in's platform (as a k3s container would be): it goes at teardown, and must leave nothing.
        teardown: async () => {
          await standIn.stop();
          const left = labResidue(lab.prefix);
          if (left.length) throw new Error(`the lab left ${left.join(", ")}`);
        },
        // What the run left: namespaces on the stand-in, and objects the stand-in forwarded to the lab.
        residue: async () => [
          ...standIn.standIn.userNamespaces().map((n) => `namespace ${n}`),
          ...(await lab.created()).map((r) => `lab ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`),
        ],
      };
    } catch (error) {
      await s?.stop();
      await lab.cleanup();
      throw error;
    }
  });
});
