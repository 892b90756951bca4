// The contract every Cluster adapter passes: the lab adapter here, the
// Kubernetes adapter over the API stand-in, and (nightly) over k3s. It speaks
// only through the port, with objects a real API server accepts, and checks
// what the live pipeline relies on. The pods run netshoot's tools (sh, socat,
// nc, dig, sleep), which the lab has too.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import type { KubeObject } from "../../src/kube/object.ts";
import type { ObjectRef } from "../../src/kube/object.ts";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL, type Cluster, type PodRef } from "../../src/cluster/port.ts";
import { serverArgv } from "../../src/probe/servers.ts";

export interface ContractSubject {
  readonly cluster: Cluster;
  /** Removes whatever the adapter needs beyond cleanup() (e.g. the k3s container); cleanup() was already called. */
  readonly teardown: () => Promise<void>;
  /** What is left on the platform of this cluster's run (namespaces, processes, …); empty after cleanup(). */
  readonly residue: () => Promise<string[]>;
}

export interface ContractOptions {
  /** The image of the contract's pods (ignored by the lab). */
  readonly image?: string;
  /** How long pods may take to become ready. */
  readonly podTimeoutMs?: number;
}

const DEFAULT_IMAGE = "nicolaka/netshoot:v0.13";

/** `makeCluster` gets the run id the contract's objects carry in RUN_LABEL (adapters that check ownership need it). */
export function clusterContract(name: string, makeCluster: (run: string) => Promise<ContractSubject>, options: ContractOptions = {}): void {
  const podTimeoutMs = options.podTimeoutMs ?? 30_000;
  const image = options.image ?? DEFAULT_IMAGE;

  describe(`Cluster contract: ${name}`, function () {
    this.timeout(podTimeoutMs + 20_000);
    const run = randomBytes(3).toString("hex");
    const ns = `np-contract-${run}`;
    const owned = { [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: run };
    const server: PodRef = { namespace: ns, name: "server" };
    const client: PodRef = { namespace: ns, name: "client" };
    const namespace = (labels: Record<string, string> = {}): KubeObject => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { ...owned, ...labels } },
    });
    const serverPod = (labels: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "server", namespace: ns, labels: { ...owned, app: "server", ...labels } },
      spec: {
        containers: [
          {
            name: "main",
            image,
            command: serverArgv(`${ns}/server`, [
              { port: 8080, protocol: "TCP" },
              { port: 5353, protocol: "UDP" },
            ]),
            ports: [
              { name: "http", containerPort: 8080, protocol: "TCP" },
              { name: "dns", containerPort: 5353, protocol: "UDP" },
            ],
            readinessProbe: { tcpSocket: { port: "http" }, periodSeconds: 1 },
          },
        ],
      },
    });
    const clientPod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "client", namespace: ns, labels: { ...owned, app: "client" } },
      spec: { containers: [{ name: "main", image, command: ["sleep", "86400"] }] },
    };
    const service = (name: string, selector: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: ns, labels: owned },
      spec: {
        selector,
        ports: [
          { name: "web", port: 80, targetPort: "http", protocol: "TCP" },
          { name: "dns", port: 53, targetPort: 5353, protocol: "UDP" },
        ],
      },
    });
    const policy: KubeObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "allow-all", namespace: ns, labels: owned },
      spec: { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] },
    };
    const base = [namespace(), serverPod({ role: "other" }), clientPod, service("server", { app: "server" }), service("picked", { role: "picked" })];

    let subject: ContractSubject;
    let cluster: Cluster;
    const sh = (pod: PodRef, script: string, timeoutMs = 10_000) => cluster.exec(pod, ["sh", "-c", script], { timeoutMs });
    /** What a TCP line to address:port brings back (the server's identity when connected). */
    const tcpAnswer = async (address: string, port: number) =>
      (await sh(client, `echo hello | nc -w 2 ${address} ${port}`)).stdout.trim();

    before(async () => {
      subject = await makeCluster(run);
      cluster = subject.cluster;
      await cluster.apply(base);
    });

    after(async () => {
      if (subject === undefined) return;
      await cluster.cleanup();
      await subject.teardown();
    });

    it("waits for pods and reports each one's IP and node", async () => {
      const progress: string[] = [];
      const pods = await cluster.waitForPods([server, client], { timeoutMs: podTimeoutMs, onProgress: (s) => progress.push(s) });
      expect(pods.map((p) => `${p.namespace}/${p.name}`)).to.deep.equal([`${ns}/server`, `${ns}/client`]);
      for (const p of pods) {
        expect(p.ip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
        expect(p.node).to.be.a("string").and.not.equal("");
      }
      expect(pods[0]?.ip).to.not.equal(pods[1]?.ip);
      expect(progress.at(-1)).to.equal("2/2 pods ready");
    });

    it("applies idempotently: the same objects again change nothing", async () => {
      const before = await cluster.waitForPods([server, client], { timeoutMs: podTimeoutMs });
      const createdBefore = await cluster.created();
      await cluster.apply(base);
      const after = await cluster.waitForPods([server, client], { timeoutMs: podTimeoutMs });
      expect(after).to.deep.equal(before);
      expect(await cluster.created()).to.deep.equal(createdBefore);
    });

    it("updates a live pod's labels in place, and the Service selecting them follows", async () => {
      const [before] = await cluster.waitForPods([server], { timeoutMs: podTimeoutMs });
      const [picked] = await cluster.serviceAddresses([{ namespace: ns, name: "picked" }]);
      expect(await tcpAnswer(picked!.clusterIp, 80)).to.equal("");
      await cluster.apply([serverPod({ role: "picked" })]);
      const [after] = await cluster.waitForPods([server], { timeoutMs: podTimeoutMs });
      expect(after?.ip, "relabelling must not recreate the pod").to.equal(before?.ip);
      // Endpoints follow a label change asynchronously on a real cluster: wait for it, bounded.
      await eventually(async () => expect(await tcpAnswer(picked!.clusterIp, 80)).to.equal(`${ns}/server`), 20_000);
      await cluster.apply([serverPod({ role: "other" })]);
      await eventually(async () => expect(await tcpAnswer(picked!.clusterIp, 80)).to.equal(""), 20_000);
    });

    it("gives a Service a ClusterIP that reaches its pods on every declared port, and a DNS name for it", async () => {
      await cluster.waitForPods([server, client], { timeoutMs: podTimeoutMs });
      const [svc] = await cluster.serviceAddresses([{ namespace: ns, name: "server" }]);
      expect(svc?.clusterIp).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      await eventually(async () => expect(await tcpAnswer(svc!.clusterIp, 80)).to.equal(`${ns}/server`), 20_000);
      const udp = await sh(client, `echo hello | nc -u -w 1 ${svc!.clusterIp} 53`);
      expect(udp.stdout.trim()).to.equal(`${ns}/server`);
      const dig = await cluster.exec(client, ["dig", "+short", "+time=2", `server.${ns}.svc.cluster.local`], { timeoutMs: 10_000 });
      expect(dig.stdout.trim()).to.equal(svc?.clusterIp);
    });

    it("reports the cluster DNS, which answers cluster names", async () => {
      const info = await cluster.info();
      expect(info.description).to.be.a("string").and.not.equal("");
      expect(info.dns.serviceIp).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      const dig = await cluster.exec(client, ["dig", "+short", "+time=2", `@${info.dns.serviceIp}`, "kubernetes.default.svc.cluster.local"], {
        timeoutMs: 10_000,
      });
      expect(dig.stdout.trim()).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    });

    it("rejects the ClusterIP of a Service that does not exist, naming it", async () => {
      await expectRejection(cluster.serviceAddresses([{ namespace: ns, name: "nope" }]), /nope/);
    });

    it("runs an argv with no shell interpretation", async () => {
      const marker = `/tmp/np-contract-${run}-${randomBytes(3).toString("hex")}`;
      const hostile = [`$(touch ${marker}); ;|`, "a b", "*", "'\"\\", "`touch " + marker + "`", "-n"];
      const r = await cluster.exec(client, ["printf", "[%s]", ...hostile], { timeoutMs: 10_000 });
      expect(r.exitCode).to.equal(0);
      expect(r.stdout).to.equal(hostile.map((a) => `[${a}]`).join(""));
      const touched = await cluster.exec(client, ["test", "-e", marker], { timeoutMs: 10_000 });
      expect(touched.exitCode, `${marker} was created: an argument went through a shell`).to.equal(1);
    });

    it("returns the exit code, stdout and stderr apart", async () => {
      const r = await sh(client, "echo out; echo err >&2; exit 7");
      expect(r).to.deep.include({ exitCode: 7 });
      expect(r.stdout.trim()).to.equal("out");
      expect(r.stderr.trim()).to.equal("err");
    });

    it("abandons an exec at its timeout with exit 124", async function () {
      this.timeout(15_000);
      const r = await cluster.exec(client, ["sleep", "60"], { timeoutMs: 500 });
      expect(r.exitCode).to.equal(124);
    });

    it("rejects an exec in a pod that does not exist, naming it", async () => {
      await expectRejection(cluster.exec({ namespace: ns, name: "ghost" }, ["true"], { timeoutMs: 5_000 }), /ghost/);
    });

    it("reports a pod whose command fails with the pod and the reason, long before the timeout", async function () {
      this.timeout(60_000);
      const crash: KubeObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "crash", namespace: ns, labels: owned },
        spec: {
          restartPolicy: "Never",
          // A readiness probe, as netproof's pods have: without one a pod is Ready while it runs, however briefly.
          containers: [
            {
              name: "main",
              image,
              command: ["sh", "-c", "echo cannot-start >&2; exit 3"],
              ports: [{ containerPort: 8080 }],
              readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      };
      await cluster.apply([crash]);
      const waited = cluster.waitForPods([{ namespace: ns, name: "crash" }], { timeoutMs: 10 * 60_000 });
      await expectRejection(waited, /crash/, /exit|fail|error|crash/i);
      await cluster.delete([{ apiVersion: "v1", kind: "Pod", namespace: ns, name: "crash" }]);
    });

    it("rejects a pod in a namespace that does not exist, naming the namespace", async () => {
      const stray = { ...clientPod, metadata: { ...clientPod.metadata, namespace: `${ns}-missing` } };
      await expectRejection(cluster.apply([stray]), new RegExp(`${ns}-missing`));
    });

    it("lists what was applied and not deleted; deleting what is gone is fine", async () => {
      await cluster.apply([policy]);
      const refs = (await cluster.created()).map(refKey);
      for (const o of [...base, policy]) expect(refs).to.include(refKey(refOfObject(o)));
      const policyRef = refOfObject(policy);
      await cluster.delete([policyRef]);
      expect((await cluster.created()).map(refKey)).to.not.include(refKey(policyRef));
      await cluster.delete([policyRef, { apiVersion: "v1", kind: "Pod", namespace: ns, name: "never-was" }]);
      await cluster.delete([{ apiVersion: "v1", kind: "Namespace", name: `${ns}-never-was` }]);
    });

    it("serves external endpoints only where it says so", async () => {
      const endpoints = [{ address: "203.0.113.77", ports: [{ port: 8443, protocol: "TCP" as const }], identity: "ext-contract" }];
      const { served } = await cluster.provideExternals(endpoints);
      for (const address of served) {
        expect(endpoints.map((e) => e.address)).to.include(address);
        expect(await tcpAnswer(address, 8443)).to.equal("ext-contract");
      }
    });

    describe("cleanup", () => {
      it("removes everything, and can run twice", async () => {
        const s = await makeCluster(run);
        try {
          await s.cluster.apply([namespace(), clientPod, service("server", { app: "server" })]);
          await s.cluster.waitForPods([client], { timeoutMs: podTimeoutMs });
          expect(await s.residue()).to.not.deep.equal([]);
          await s.cluster.cleanup();
          expect(await s.residue()).to.deep.equal([]);
          await s.cluster.cleanup();
          expect(await s.residue()).to.deep.equal([]);
        } finally {
          await s.cluster.cleanup();
          await s.teardown();
        }
      });

      it("removes everything after a partial start: pods still starting, or nothing applied", async () => {
        const s = await makeCluster(run);
        try {
          await s.cluster.apply([namespace(), serverPod({}), clientPod]);
          await s.cluster.cleanup();
          expect(await s.residue()).to.deep.equal([]);
        } finally {
          await s.cluster.cleanup();
          await s.teardown();
        }
        const empty = await makeCluster(run);
        await empty.cluster.cleanup();
        await empty.cluster.cleanup();
        expect(await empty.residue()).to.deep.equal([]);
        await empty.teardown();
      });
    });
  });
}

function refOfObject(o: KubeObject): ObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}),
  };
}

function refKey(r: ObjectRef): string {
  return `${r.kind}/${r.namespace ?? ""}/${r.name}`;
}

async function expectRejection(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  expect(error, "expected a rejection").to.be.instanceOf(Error);
  for (const p of patterns) expect((error as Error).message).to.match(p);
}

/** Retries an assertion until it holds or the bound passes (for what a real cluster does asynchronously). */
export async function eventually(check: () => Promise<unknown>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
