// The Kubernetes adapter through the real client library against the API
// stand-in (real HTTP, real exec websocket). Pods here run on HostCluster:
// exec runs the argv on this machine.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { KubeConfig } from "@kubernetes/client-node";
import { WebSocketServer } from "ws";
import { connectKubeconfig, listLeftovers, removeLeftovers } from "../../src/cluster/kubernetes/index.ts";
import { execInPod } from "../../src/cluster/kubernetes/exec.ts";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL } from "../../src/cluster/port.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { UserError } from "../../src/user-error.ts";
import { startStandIn, type RunningStandIn } from "../api-standin/fixture.ts";

const ns = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const pod = (namespace: string, name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: "main", image: "netshoot", command: ["sleep", "infinity"] }], ...extra },
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("Kubernetes adapter over the API stand-in", function () {
  this.timeout(30_000);
  let s: RunningStandIn;
  let cluster: Awaited<ReturnType<typeof connectKubeconfig>>;

  before(async () => {
    s = await startStandIn({ unpullable: (image) => image.startsWith("registry.example/") });
    cluster = await connectKubeconfig({ file: s.kubeconfig, runId: "r1", cleanupTimeoutMs: 10_000 });
  });
  after(async () => {
    await cluster?.cleanup();
    await s?.stop();
  });

  describe("connecting", () => {
    it("uses the file's current context and says so", async () => {
      const info = await cluster.info();
      expect(info.description).to.equal(`kubeconfig ${s.kubeconfig} (context lab, the file's current context; server ${s.standIn.url})`);
      expect(info.dns.serviceIp).to.equal("10.43.0.10");
      expect(cluster.serverVersion).to.equal("v1.33.0-netproof-standin");
    });

    it("a missing file, an unknown context, a dead server, bad credentials: one-line UserErrors", async () => {
      const missing = await rejection(connectKubeconfig({ file: join(s.dir, "nope"), runId: "x" }));
      expect(missing).to.be.instanceOf(UserError);
      expect(missing.message).to.equal(`${join(s.dir, "nope")}: cannot read the kubeconfig: no such file`);

      const context = await rejection(connectKubeconfig({ file: s.kubeconfig, context: "prod", runId: "x" }));
      expect(context).to.be.instanceOf(UserError);
      expect(context.message).to.equal(`${s.kubeconfig}: contexts: the kubeconfig has no context named "prod"\n  hint: contexts in the file: lab`);

      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const dead = join(s.dir, "dead");
      writeFileSync(dead, s.standIn.kubeconfig().replace(s.standIn.url, `http://127.0.0.1:${port}`));
      const down = await rejection(connectKubeconfig({ file: dead, runId: "x" }));
      expect(down).to.be.instanceOf(UserError);
      expect(down.message).to.contain(`${dead}: cannot reach the API server of context "lab" (server http://127.0.0.1:${port}): connect ECONNREFUSED`);
      expect(down.stack ?? "").to.not.be.undefined;

      const held = new Set<net.Socket>();
      const silent = net.createServer((socket) => void held.add(socket)); // accepts, never answers: a server that hangs
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const hanging = join(s.dir, "hanging");
      const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      writeFileSync(hanging, s.standIn.kubeconfig().replace(s.standIn.url, silentUrl));
      try {
        const hung = await rejection(connectKubeconfig({ file: hanging, runId: "x", connectTimeoutMs: 500 }));
        expect(hung.message).to.equal(
          `${hanging}: cannot reach the API server of context "lab" (server ${silentUrl}): no answer within 500 ms\n` +
            "  hint: check that the cluster is running and that the kubeconfig's server address is reachable from here",
        );
      } finally {
        for (const socket of held) socket.destroy();
        await new Promise((r) => silent.close(r));
      }

      const wrong = join(s.dir, "wrong-token");
      writeFileSync(wrong, s.standIn.kubeconfig().replace(s.standIn.token, "not-the-token"));
      const refused = await rejection(connectKubeconfig({ file: wrong, runId: "x" }));
      expect(refused.message).to.equal(`${wrong}: the API server of context "lab" (server ${s.standIn.url}) refused the kubeconfig's credentials (HTTP 401)`);
    });
  });

  describe("apply, wait, exec", () => {
    before(async () => {
      await cluster.apply([ns("r1-x"), pod("r1-x", "a")]);
    });

    it("labels what it creates with the owner and the run, and applying twice changes nothing", async () => {
      const before = s.standIn.findPod("r1-x", "a")!;
      expect(before.metadata.labels).to.deep.equal({ app: "a", [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: "r1" });
      await cluster.apply([ns("r1-x"), pod("r1-x", "a")]);
      const [ready] = await cluster.waitForPods([{ namespace: "r1-x", name: "a" }], { timeoutMs: 5000 });
      const rv = s.standIn.findPod("r1-x", "a")!.metadata.resourceVersion;
      await cluster.apply([ns("r1-x"), pod("r1-x", "a")]);
      expect(s.standIn.findPod("r1-x", "a")!.metadata.resourceVersion).to.equal(rv);
      expect(ready).to.deep.equal({ namespace: "r1-x", name: "a", ip: "127.0.0.1", node: "host" });
      expect(await cluster.created()).to.deep.equal([
        { apiVersion: "v1", kind: "Namespace", name: "r1-x" },
        { apiVersion: "v1", kind: "Pod", namespace: "r1-x", name: "a" },
      ]);
    });

    it("exec gives stdout, stderr and the exit code from the status channel", async () => {
      const ref = { namespace: "r1-x", name: "a" };
      const ok = await cluster.exec(ref, ["sh", "-c", "printf 'out\\n'; printf 'err\\n' >&2"], { timeoutMs: 5000 });
      expect(ok).to.deep.equal({ exitCode: 0, stdout: "out\n", stderr: "err\n" });
      const three = await cluster.exec(ref, ["sh", "-c", "exit 3"], { timeoutMs: 5000 });
      expect(three.exitCode).to.equal(3);
    });

    it("exec past its timeout is abandoned and reported as exit 124", async () => {
      const r = await cluster.exec({ namespace: "r1-x", name: "a" }, ["sleep", "3"], { timeoutMs: 300 });
      expect(r.exitCode).to.equal(124);
      expect(r.stderr).to.contain("exec in pod r1-x/a abandoned after 300 ms");
    });

    it("exec in a pod that does not exist rejects naming the pod", async () => {
      const error = await rejection(cluster.exec({ namespace: "r1-x", name: "ghost" }, ["true"], { timeoutMs: 2000, container: "main" }));
      expect(error.message).to.equal("exec in pod r1-x/ghost: no such pod (or the API server does not serve pods/exec)");
    });
  });

  describe("readiness messages", () => {
    before(async () => cluster.apply([ns("r1-y")]));

    it("an image that cannot be pulled: the message names the image and the node", async () => {
      await cluster.apply([{ ...pod("r1-y", "pull"), spec: { containers: [{ name: "main", image: "registry.example/missing:1" }] } }]);
      const error = await rejection(cluster.waitForPods([{ namespace: "r1-y", name: "pull" }], { timeoutMs: 800 }));
      expect(error.message).to.match(/^0\/1 pods ready after 1 s:\n  pod r1-y\/pull on node lab cannot pull image registry.example\/missing:1: Back-off pulling image/);
    });

    it("a pod stuck Pending says why from its conditions", async () => {
      await cluster.apply([pod("r1-y", "nowhere", { nodeSelector: { disk: "ssd" } })]);
      const error = await rejection(cluster.waitForPods([{ namespace: "r1-y", name: "nowhere" }], { timeoutMs: 800 }));
      expect(error.message).to.contain("pod r1-y/nowhere is Pending, not scheduled: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.");
    });

    it("a pod that was never created says so", async () => {
      const progress: string[] = [];
      const error = await rejection(cluster.waitForPods([{ namespace: "r1-y", name: "never" }], { timeoutMs: 500, onProgress: (p) => progress.push(p) }));
      expect(error.message).to.contain("pod r1-y/never does not exist");
      expect(progress).to.deep.equal(["0/1 pods ready"]);
    });
  });

  describe("safety on a shared cluster", () => {
    it("refuses to apply into a namespace it did not create, or over an object it did not create", async () => {
      const into = await rejection(cluster.apply([pod("default", "intruder")]));
      expect(into.message).to.equal("refusing to apply Pod default/intruder: namespace default was not created by this netproof run");
      const over = await rejection(cluster.apply([ns("kube-system")]));
      expect(over.message).to.equal("refusing to apply Namespace kube-system: it already exists and was not created by this netproof run");
      const other = await connectKubeconfig({ file: s.kubeconfig, runId: "r2" });
      const foreign = await rejection(other.apply([pod("r1-x", "b")]));
      expect(foreign.message).to.equal("refusing to apply Pod r1-x/b: namespace r1-x was not created by this netproof run");
      const del = await rejection(other.delete([{ apiVersion: "v1", kind: "Namespace", name: "r1-x" }]));
      expect(del.message).to.equal("refusing to delete Namespace r1-x: it was not created by this netproof run");
      expect(s.standIn.userNamespaces()).to.include("r1-x");
    });

    it("waits for a CRD to be Established before applying objects of its kind", async () => {
      const crd: KubeObject = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "probes.netproof.example" },
        spec: {
          group: "netproof.example",
          scope: "Namespaced",
          names: { plural: "probes", singular: "probe", kind: "Probe" },
          versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
        },
      };
      await cluster.apply([crd, { apiVersion: "netproof.example/v1", kind: "Probe", metadata: { name: "p", namespace: "r1-x" }, spec: {} }]);
      const stored = s.standIn.store.get(s.standIn.kind("netproof.example", "v1", "probes"), "r1-x", "p");
      expect(stored?.metadata.labels?.[RUN_LABEL]).to.equal("r1");
    });

    it("lists the leftovers of other runs and removes them; cleanup removes only its own run, twice safely", async () => {
      const dead = await connectKubeconfig({ file: s.kubeconfig, runId: "dead1" });
      await dead.apply([ns("dead1-x"), pod("dead1-x", "a")]);
      const leftovers = await listLeftovers(cluster.kubeconfig, { exceptRun: "r1" });
      expect(leftovers.map((l) => [l.runId, l.namespaces])).to.deep.equal([["dead1", ["dead1-x"]]]);
      expect(leftovers[0]!.createdAt).to.be.instanceOf(Date);
      await removeLeftovers(cluster.kubeconfig, leftovers, 10_000);
      expect(s.standIn.userNamespaces()).to.not.include("dead1-x");

      await cluster.cleanup();
      expect(s.standIn.userNamespaces()).to.deep.equal([]);
      expect(await cluster.created()).to.deep.equal([]);
      await cluster.cleanup();
    });
  });
});

describe("exec over a socket that closes without a status", () => {
  it("rejects instead of hanging, saying no exit status came", async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server, handleProtocols: () => "v4.channel.k8s.io" });
    wss.on("connection", (ws) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from("partial")]));
      ws.close();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    try {
      const error = await rejection(execInPod(kc, { namespace: "n", name: "p" }, ["true"], { timeoutMs: 5000, container: "main" }));
      expect(error.message).to.equal("exec in pod n/p: the connection closed without an exit status");
    } finally {
      wss.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
