import { expect } from "chai";
import type { KubeObject } from "../../src/kube/object.ts";
import type { PodRef } from "../../src/cluster/port.ts";
import { runProbes } from "../../src/probe/engine.ts";
import { serverArgv } from "../../src/probe/servers.ts";
import { listLeftovers } from "../lab/leftovers.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { clusterContract, eventually } from "./contract.ts";
import { DNS_POD, LabCluster, type PodEvent } from "./lab-adapter.ts";

async function residueOf(prefix: string): Promise<string[]> {
  const l = listLeftovers(prefix);
  return [...l.namespaces, ...l.processes.map((p) => `process ${p}`), ...l.etcNetns, ...l.tempDirs];
}

describe("lab adapter", () => {
  before(assertLabUsable);
  clusterContract("lab adapter", async () => {
    const cluster = await LabCluster.start();
    return { cluster, teardown: async () => undefined, residue: () => residueOf(cluster.prefix) };
  });
});

const NS = "shop";
const web: PodRef = { namespace: NS, name: "web" };
const client: PodRef = { namespace: NS, name: "client" };
const other: PodRef = { namespace: NS, name: "other" };

function namespace(labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: NS, labels } };
}

function serverPod(name: string, labels: Record<string, string>, identity = `${NS}/${name}`): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NS, labels },
    spec: {
      containers: [
        {
          name: "main",
          image: "netshoot",
          command: serverArgv(identity, [
            { port: 80, protocol: "TCP" },
            { port: 53, protocol: "UDP" },
          ]),
          ports: [
            { name: "http", containerPort: 80 },
            { containerPort: 53, protocol: "UDP" },
          ],
          readinessProbe: { exec: { command: ["sh", "-c", "ss -Hlnt | grep -q ':80 '"] } },
        },
      ],
    },
  };
}

function idlePod(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: NS }, spec: { containers: [{ name: "main", command: ["sleep", "86400"] }] } };
}

const webService: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: NS },
  spec: { selector: { app: "web" }, ports: [{ port: 8080, targetPort: "http" }] },
};

describe("lab adapter: what only the lab does", function () {
  this.timeout(30_000);
  let cluster: LabCluster;
  const answer = async (from: PodRef, address: string, port: number, timeout = 1) =>
    (await cluster.exec(from, ["sh", "-c", `echo hi | nc -w ${timeout} ${address} ${port}; echo "exit=$?"`], { timeoutMs: 10_000 })).stdout.trim();

  before(async function () {
    assertLabUsable();
    cluster = await LabCluster.start();
    await cluster.apply([namespace({ team: "shop" }), serverPod("web", { app: "web" }), idlePod("client"), idlePod("other"), webService]);
    await cluster.waitForPods([web, client, other], { timeoutMs: 10_000 });
  });

  after(async () => {
    const prefix = cluster?.prefix;
    await cluster?.cleanup();
    if (prefix !== undefined) expect(await residueOf(prefix)).to.deep.equal([]);
  });

  afterEach(async () => {
    await cluster.clearFaults();
  });

  it("stands a pod in for the cluster DNS, and waits for it like any pod", async () => {
    const info = await cluster.info();
    expect(info.dns.pod).to.deep.equal({ ...DNS_POD, ip: info.dns.serviceIp, node: "lab" });
    const [dns] = await cluster.waitForPods([DNS_POD], { timeoutMs: 1_000 });
    expect(dns?.ip).to.equal(info.dns.serviceIp);
  });

  it("resolves Service names through the pod's own resolver, short names by its search path", async () => {
    const [svc] = await cluster.serviceAddresses([{ namespace: NS, name: "web" }]);
    const r = await cluster.exec(client, ["getent", "hosts", "web"], { timeoutMs: 5_000 });
    expect(r.stdout.split(/\s+/)).to.include.members([svc!.clusterIp, `web.${NS}.svc.cluster.local`]);
    const missing = await cluster.exec(client, ["dig", "+short", "nope.shop.svc.cluster.local"], { timeoutMs: 5_000 });
    expect(missing.stdout.trim()).to.equal("");
  });

  it("injects faults by pod: reject and drop, from one client only", async () => {
    const { ip } = cluster.podStatus(web)!;
    expect(await answer(client, ip, 80)).to.equal(`${NS}/web\nexit=0`);
    await cluster.addFault({ from: "shop/client", to: "shop/web", port: 80, protocol: "tcp", action: "reject" });
    expect(await answer(client, ip, 80)).to.equal("exit=1");
    expect(await answer(other, ip, 80)).to.equal(`${NS}/web\nexit=0`);
    await cluster.setFaults([{ fault: { from: "shop/client", to: "shop/web", action: "drop" } }]);
    const dropped = await cluster.exec(client, ["sh", "-c", `nc -z -w 1 ${ip} 80; echo $?`], { timeoutMs: 5_000 });
    expect(dropped.stdout.trim()).to.equal("1");
  });

  it("applies pod faults to traffic through the Service too (after DNAT, as NetworkPolicy does)", async () => {
    const [svc] = await cluster.serviceAddresses([{ namespace: NS, name: "web" }]);
    expect(await answer(client, svc!.clusterIp, 8080)).to.equal(`${NS}/web\nexit=0`);
    await cluster.addFault({ from: "shop/client", to: "shop/web", port: 80, action: "reject" });
    expect(await answer(client, svc!.clusterIp, 8080)).to.equal("exit=1");
  });

  it("drops DNS by a fault on kube-system/coredns", async () => {
    await cluster.addFault({ from: "shop/client", to: "kube-system/coredns", action: "drop" });
    const r = await cluster.exec(client, ["dig", "+time=1", "+tries=1", "web.shop.svc.cluster.local"], { timeoutMs: 5_000 });
    expect(r.exitCode).to.equal(9); // dig: no reply from server
  });

  it("starts a late fault at its moment, not before", async () => {
    const { ip } = cluster.podStatus(web)!;
    const startsAt = Date.now() + 4_000;
    await cluster.addFault({ to: "shop/web", port: 80, action: "reject" }, { startsAt });
    expect(await answer(client, ip, 80)).to.equal(`${NS}/web\nexit=0`);
    await eventually(async () => expect(await answer(client, ip, 80)).to.equal("exit=1"), 10_000);
    expect(Date.now()).to.be.at.least(startsAt);
  });

  it("alternates a flaky fault", async () => {
    const { ip } = cluster.podStatus(web)!;
    await cluster.addFault({ to: "shop/web", port: 80, action: "reject" }, { flakyPeriodMs: 300 });
    const seen = new Set<string>();
    const deadline = Date.now() + 10_000;
    while (seen.size < 2 && Date.now() < deadline) seen.add(await answer(client, ip, 80));
    expect([...seen].sort()).to.deep.equal(["exit=1", `${NS}/web\nexit=0`]);
  });

  it("makes exec fail for one pod on demand, and restores it", async () => {
    cluster.failExec(client, { kind: "reject", message: "connection to the pod lost" });
    let error: unknown;
    await cluster.exec(client, ["true"], { timeoutMs: 1_000 }).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("connection to the pod lost");
    expect((await cluster.exec(other, ["true"], { timeoutMs: 1_000 })).exitCode).to.equal(0);
    cluster.failExec(client, { kind: "exit", exitCode: 137, message: "OOMKilled" });
    expect(await cluster.exec(client, ["true"], { timeoutMs: 1_000 })).to.deep.equal({ exitCode: 137, stdout: "", stderr: "OOMKilled" });
    cluster.restoreExec(client);
    expect((await cluster.exec(client, ["true"], { timeoutMs: 1_000 })).exitCode).to.equal(0);
  });

  it("puts netproof servers at documentation addresses only, and faults reach them by address", async () => {
    const { served } = await cluster.provideExternals([
      { address: "198.51.100.20", ports: [{ port: 443, protocol: "TCP" }], identity: "payments" },
      { address: "10.200.0.1", ports: [{ port: 443, protocol: "TCP" }], identity: "elsewhere" },
      { address: "2001:db8::1", ports: [{ port: 443, protocol: "TCP" }], identity: "six" },
    ]);
    expect(served).to.deep.equal(["198.51.100.20"]);
    expect(await answer(client, "198.51.100.20", 443)).to.equal("payments\nexit=0");
    await cluster.addFault({ from: "shop/client", to: "198.51.100.20", action: "reject" });
    expect(await answer(client, "198.51.100.20", 443)).to.equal("exit=1");
  });

  it("relabels live namespaces and pods without recreating them; a changed command recreates the pod", async () => {
    const events: PodEvent[] = [];
    const stop = cluster.onPodEvent((e) => events.push(e));
    const before = cluster.podStatus(web)!;
    await cluster.apply([namespace({ team: "shop", env: "prod" }), serverPod("web", { app: "web", tier: "front" })]);
    expect(cluster.namespaceLabelsOf(NS)).to.deep.equal({ team: "shop", env: "prod", "kubernetes.io/metadata.name": NS });
    const relabelled = cluster.podStatus(web)!;
    expect(relabelled).to.deep.include({ uid: before.uid, ip: before.ip, ready: true });
    expect(relabelled.labels).to.deep.equal({ app: "web", tier: "front" });

    await cluster.apply([serverPod("web", { app: "web", tier: "front" }, "shop/web-v2")]);
    const [after] = await cluster.waitForPods([web], { timeoutMs: 10_000 });
    expect(cluster.podStatus(web)?.uid).to.not.equal(before.uid);
    expect(after?.ip).to.not.equal(before.ip);
    expect(await answer(client, after!.ip, 80)).to.equal("shop/web-v2\nexit=0");
    expect(await answer(client, before.ip, 80, 1)).to.not.include("shop/web");
    const [svc] = await cluster.serviceAddresses([{ namespace: NS, name: "web" }]);
    expect(await answer(client, svc!.clusterIp, 8080)).to.equal("shop/web-v2\nexit=0");
    stop();
    const kinds = events.map((e) => (e.type === "deleted" ? `deleted ${e.uid === before.uid ? "old" : "?"}` : `${e.status.uid === before.uid ? "old" : "new"} ${e.status.phase} ${e.status.ready}`));
    expect(kinds).to.include.members(["old Running true", "deleted old", "new Running false", "new Running true"]);
    // Back to the pod the other tests expect.
    await cluster.apply([serverPod("web", { app: "web" })]);
    await cluster.waitForPods([web], { timeoutMs: 10_000 });
  });

  it("reaches a pod through its own Service (hairpin), and refuses a Service with no ready pod", async () => {
    const [svc] = await cluster.serviceAddresses([{ namespace: NS, name: "web" }]);
    expect(await answer(web, svc!.clusterIp, 8080)).to.match(/^shop\/web.*\nexit=0$/);
    await cluster.apply([{ ...webService, metadata: { name: "nobody", namespace: NS }, spec: { selector: { app: "nobody" }, ports: [{ port: 80 }] } }]);
    const [nobody] = await cluster.serviceAddresses([{ namespace: NS, name: "nobody" }]);
    expect(await answer(client, nobody!.clusterIp, 80)).to.equal("exit=1");
  });

  it("answers a headless Service's name with its pods' IPs", async () => {
    await cluster.apply([{ ...webService, metadata: { name: "web-headless", namespace: NS }, spec: { ...(webService["spec"] as object), clusterIP: "None" } }]);
    const r = await cluster.exec(client, ["dig", "+short", "web-headless.shop.svc.cluster.local"], { timeoutMs: 5_000 });
    expect(r.stdout.trim()).to.equal(cluster.podStatus(web)?.ip);
    let error: unknown;
    await cluster.serviceAddresses([{ namespace: NS, name: "web-headless" }]).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("headless");
  });

  it("says which field of an object it cannot run, and changes nothing", async () => {
    const before = await cluster.created();
    const bad = serverPod("bad", {});
    const spec = bad["spec"] as { containers: { ports: { containerPort: number }[] }[] };
    spec.containers[0]!.ports[0]!.containerPort = 70_000;
    let error: unknown;
    await cluster.apply([idlePod("fine"), bad]).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("Pod shop/bad: spec.containers[0].ports[0].containerPort: expected a port number from 1 to 65535, not 70000");
    expect(await cluster.created()).to.deep.equal(before);
  });

  it("gives a pod its env, with the downward API fields a renderer uses", async () => {
    const env = [
      { name: "GREETING", value: "a b $(c)" },
      { name: "MY_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "MY_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ];
    const script = 'printf "%s|%s|%s\\n" "$GREETING" "$MY_IP" "$MY_NAME" >&2; sleep 86400';
    await cluster.apply([{ ...idlePod("env"), spec: { containers: [{ name: "main", command: ["sh", "-c", script], env }] } }]);
    const [pod] = await cluster.waitForPods([{ namespace: NS, name: "env" }], { timeoutMs: 10_000 });
    await eventually(async () => expect(cluster.lab.diagnostics()).to.include(`pod shop/env: a b $(c)|${pod!.ip}|env`), 5_000);
    let error: unknown;
    const secret = [{ name: "X", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }];
    await cluster.apply([{ ...idlePod("secret"), spec: { containers: [{ name: "main", command: ["true"], env: secret }] } }]).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("Pod shop/secret: spec.containers[0].env[0].valueFrom: the lab supports value, or fieldRef to metadata.name");
  });

  it("reports a failed pod's exit code and the tail of its stderr", async () => {
    await cluster.apply([{ ...idlePod("crash"), spec: { containers: [{ name: "main", command: ["sh", "-c", "echo first >&2; echo 'no such config: /etc/x' >&2; exit 4"], ports: [{ containerPort: 80 }], readinessProbe: { tcpSocket: { port: 80 } } }] } }]);
    let error: unknown;
    await cluster.waitForPods([{ namespace: NS, name: "crash" }], { timeoutMs: 20_000 }).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("pod shop/crash failed: its command exited with code 4: first\nno such config: /etc/x");
  });

  it("says why pods are not ready when waiting times out", async () => {
    await cluster.apply([{ ...idlePod("deaf"), spec: { containers: [{ name: "main", command: ["sleep", "86400"], ports: [{ containerPort: 9999 }] }] } }]);
    await eventually(async () => expect(cluster.podStatus({ namespace: NS, name: "deaf" })?.message).to.equal("not listening on tcp:9999"), 10_000);
    let error: unknown;
    await cluster
      .waitForPods([{ namespace: NS, name: "deaf" }, { namespace: NS, name: "absent" }], { timeoutMs: 300 })
      .catch((err: unknown) => (error = err));
    expect(String(error)).to.include("pods not ready after 300 ms: shop/deaf (not listening on tcp:9999), shop/absent (no such pod)");
  });

  it("is the probe engine's Transport: pod IPs, ClusterIPs, Service names and externals, faults seen as a CNI's", async () => {
    const [svc] = await cluster.serviceAddresses([{ namespace: NS, name: "web" }]);
    const web = cluster.podStatus({ namespace: NS, name: "web" })!;
    await cluster.provideExternals([{ address: "203.0.113.9", ports: [{ port: 443, protocol: "TCP" }], identity: "bank" }]);
    await cluster.addFault({ from: "shop/other", to: "shop/web", port: 80, action: "drop" });
    const transport = {
      exec: (client: string, argv: readonly string[], options: { readonly timeoutMs: number }) => {
        const [namespace = "", name = ""] = client.split("/");
        return cluster.exec({ namespace, name }, argv, options);
      },
    };
    const probes = [
      { id: "pod", kind: "tcp" as const, host: web.ip, port: 80, expectIdentity: web.namespace + "/" + web.name },
      { id: "svc", kind: "tcp" as const, host: svc!.clusterIp, port: 8080 },
      { id: "name", kind: "http" as const, host: "web.shop.svc.cluster.local", port: 8080, method: "GET", path: "/status/204" },
      { id: "dns", kind: "dns" as const, name: "web.shop.svc.cluster.local" },
      { id: "nx", kind: "dns" as const, name: "nope.shop.svc.cluster.local" },
      { id: "ext", kind: "tcp" as const, host: "203.0.113.9", port: 443, expectIdentity: "bank" },
    ];
    const run = await runProbes(
      [
        { client: "shop/client", probes },
        { client: "shop/other", probes: [{ id: "pod", kind: "tcp" as const, host: web.ip, port: 80 }] },
      ],
      transport,
      { timeoutMs: 2_000, maxRounds: 3 },
    );
    const seen = run.outcomes.map((o) => `${o.client} ${o.spec.id} ${o.final.kind}${o.final.kind === "http" ? ` ${o.final.status}` : ""}`);
    expect(seen).to.deep.equal([
      "shop/client pod connected",
      "shop/client svc connected",
      "shop/client name http 204",
      "shop/client dns connected",
      "shop/client nx dns-error",
      "shop/client ext connected",
      "shop/other pod timeout",
    ]);
  });

  it("deletes a namespace with everything in it", async () => {
    await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "gone" } }, { ...idlePod("x"), metadata: { name: "x", namespace: "gone" } }]);
    await cluster.waitForPods([{ namespace: "gone", name: "x" }], { timeoutMs: 10_000 });
    const host = cluster.hostOf({ namespace: "gone", name: "x" });
    await cluster.delete([{ apiVersion: "v1", kind: "Namespace", name: "gone" }]);
    expect(cluster.podStatus({ namespace: "gone", name: "x" })).to.equal(undefined);
    expect(cluster.lab.hasHost(host)).to.equal(false);
    expect((await cluster.created()).filter((r) => r.namespace === "gone" || r.name === "gone")).to.deep.equal([]);
  });
});

describe("lab adapter: cleanup in the middle of things", function () {
  this.timeout(30_000);
  before(assertLabUsable);

  it("cleans up while an apply is still creating pods, and leaves nothing", async () => {
    const cluster = await LabCluster.start();
    const pods = Array.from({ length: 6 }, (_, i) => serverPod(`s${i}`, { app: "s" }));
    const applying = cluster.apply([namespace(), ...pods, webService]);
    await new Promise((resolve) => setImmediate(resolve));
    await cluster.cleanup();
    const outcome = await applying.then(
      () => "applied",
      (err: unknown) => String(err),
    );
    expect(outcome).to.match(/applied|destroyed|cleaned up/);
    expect(await residueOf(cluster.prefix)).to.deep.equal([]);
    let error: unknown;
    await cluster.apply([namespace()]).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("cleaned up");
  });

  it("leaves nothing when it cannot start", async () => {
    let error: unknown;
    await LabCluster.start({ prefix: "NOT-valid" }).catch((err: unknown) => (error = err));
    expect(String(error)).to.include("must be short lower-case");
    expect(await residueOf("NOT-valid")).to.deep.equal([]);
  });
});
