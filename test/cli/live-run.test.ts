import { expect } from "chai";
import { loadScenario } from "../../src/scenario/load.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { ClusterFailure, runLive, type LiveOptions } from "../../src/cli/live-run.ts";
import { runPlan } from "../../src/cli/plan-run.ts";
import type { Plan } from "../../src/scenario/plan.ts";
import { FakeCluster, type FakeNetwork } from "./fake-cluster.ts";

const library = (name: string): Plan => loadScenario(resolveScenario(name, DEFAULT_SCENARIO_DIR));
const options: LiveOptions = { runId: "t1", probe: { timeoutMs: 1000 }, exitOnSignal: false };

/** A network that enforces nothing (flannel): everything connects, externals are silent. */
const openNetwork: FakeNetwork = (_from, probe) => {
  if (probe.kind === "dns") return "connected 4 10.43.0.1";
  if (probe.host.startsWith("203.") || probe.host.startsWith("198.") || probe.host.includes(":")) return "timeout 1000 no answer";
  return `connected 3 ${probe.identity}`;
};

describe("live run wiring (fake cluster)", () => {
  it("realises, probes and compares every cell; with nothing enforced exactly the predicted denials are CNI mismatches", async () => {
    const plan = library("three-tier");
    const cluster = new FakeCluster(openNetwork, { serveExternals: true });
    const run = await runLive(plan, cluster, options);
    const cells = run.phases.flatMap((p) => p.cells);
    const predictedDenied = cells.filter((c) => c.predicted.kind === "denied").map((c) => c.cell.key);
    expect(predictedDenied.length).to.be.greaterThan(5);
    expect(cells.filter((c) => c.verdict.kind === "cni-mismatch").map((c) => c.cell.key)).to.deep.equal(predictedDenied.filter((k) => !k.includes("external")));
    // Served externals that stay silent are dropped: a CNI mismatch only where allowed was expected.
    expect(cells.filter((c) => c.verdict.kind === "pass").length + run.summary.failed).to.equal(cells.length);
    expect(cluster.cleanups).to.equal(1);
    expect(cluster.events.slice(0, 3)).to.deep.equal(["apply Namespace,Namespace,Pod,Pod,Pod,Pod,Service,Service,Service", "wait 4", "apply NetworkPolicy,NetworkPolicy,NetworkPolicy,NetworkPolicy,NetworkPolicy,NetworkPolicy,NetworkPolicy"]);
    expect(run.ips["shop/web"]).to.equal(cluster.ipOf("shop", "web"));
  });

  it("renders ipBlock templates and predicts with the real pod IPs", async () => {
    const plan = library("ipblock-except");
    const cluster = new FakeCluster(openNetwork);
    const run = await runLive(plan, cluster, options);
    const batch = cluster.ipOf("prod", "batch");
    expect(batch).to.be.a("string");
    expect(batch).to.not.equal(plan.plannedIps["prod/batch"]);
    const policies = cluster.applied.flat().filter((o) => o.kind === "NetworkPolicy");
    expect(JSON.stringify(policies)).to.include(`"${batch}/32"`);
    // The oracle saw the same address: batch is still the one pod denied.
    const db = run.phases[0]?.cells.find((c) => c.cell.key === "prod/batch -> prod/db:5432/TCP");
    expect(db?.predicted.kind).to.equal("denied");
  });

  it("applies each step in order: labels on live objects, added manifests, deleted ones", async () => {
    const plan = library("default-deny-all");
    const cluster = new FakeCluster(openNetwork);
    const run = await runLive(plan, cluster, options);
    expect(run.phases.map((p) => p.phase)).to.deep.equal(["initial", "allow-web-to-api", "remove-default-deny"]);
    expect(cluster.deleted).to.deep.equal([[{ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespace: "prod", name: "default-deny-all" }]]);
    const labelled = library("mistake-namespace-labels-not-set");
    const second = new FakeCluster(openNetwork);
    await runLive(labelled, second, options);
    const frontend = second.applied.flat().filter((o) => o.kind === "Namespace" && o.metadata.name === "frontend");
    expect(frontend.map((n) => n.metadata.labels?.name ?? null)).to.deep.equal([null, "frontend"]);
  });

  it("gives every cell the same verdict as plan mode where the scenario itself is wrong", async () => {
    const plan = library("mistake-and-vs-or");
    const run = await runLive(plan, new FakeCluster(openNetwork), options);
    const planned = runPlan(plan);
    const mismatchesLive = run.phases.flatMap((p) => p.cells.filter((c) => c.verdict.kind === "expectation-mismatch").map((c) => `${p.phase} ${c.cell.key}`));
    const mismatchesPlan = planned.phases.flatMap((p) => p.cells.filter((c) => c.verdict.kind !== "pass").map((c) => `${p.phase} ${c.cell.key}`));
    expect(mismatchesLive).to.deep.equal(mismatchesPlan);
  });

  it("does not call silence at an unserved external a denial", async () => {
    const run = await runLive(library("three-tier"), new FakeCluster(openNetwork), options);
    const external = run.phases[0]?.cells.find((c) => c.cell.to.kind === "external");
    expect(external?.verdict.kind).to.equal("inconclusive");
    expect(run.externals).to.deep.equal([{ address: "203.0.113.10", served: false }]);
  });

  it("cleans up when the cluster fails, and says which stage failed", async () => {
    const cluster = new FakeCluster(openNetwork, { failApply: "NetworkPolicy" });
    let failure: unknown;
    await runLive(library("three-tier"), cluster, options).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(ClusterFailure);
    expect((failure as Error).message).to.equal("apply manifests: the fake refuses NetworkPolicy");
    expect(cluster.cleanups).to.equal(1);
  });

  it("renames namespaces consistently: objects, policies and the pods it probes from", async () => {
    const cluster = new FakeCluster(openNetwork);
    const run = await runLive(library("cross-namespace"), cluster, { ...options, mapNamespace: (n) => `np-t1-${n}` });
    const namespaces = cluster.applied.flat().map((o) => o.metadata.namespace ?? o.metadata.name);
    expect(namespaces.every((n) => n.startsWith("np-t1-"))).to.equal(true);
    expect(cluster.execs.every((e) => e.pod.namespace.startsWith("np-t1-"))).to.equal(true);
    expect(run.summary.cells).to.be.greaterThan(0);
  });

  it("probes Service cells at the ClusterIP the cluster assigned", async () => {
    const cluster = new FakeCluster(openNetwork);
    const run = await runLive(library("api-gateway"), cluster, options);
    const service = run.phases[0]?.cells.find((c) => c.cell.key === "public/client -> service:shop/gateway:443/TCP");
    expect(cluster.serviceIpOf("shop", "gateway")).to.match(/^10\.43\./);
    expect(service?.probe?.spec).to.deep.include({ host: cluster.serviceIpOf("shop", "gateway"), port: 443, expectIdentity: "shop/gateway" });
    expect(service?.verdict.kind).to.equal("pass");
  });
});
