import { expect } from "chai";
import { loadScenario } from "../../src/scenario/load.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { runLive } from "../../src/cli/live-run.ts";
import { liveCommand } from "../../src/cli/live-command.ts";
import { renderLiveText, liveSummaryLine } from "../../src/report/live-text.ts";
import { liveJson, LIVE_JSON_FORMAT } from "../../src/report/live-json.ts";
import { reproduceCommand } from "../../src/report/reproduce.ts";
import { plainStyle } from "../../src/report/style.ts";
import { FakeCluster, type FakeNetwork } from "../cli/fake-cluster.ts";

const plan = loadScenario(resolveScenario("three-tier", DEFAULT_SCENARIO_DIR));
const options = { runId: "t1", probe: { timeoutMs: 1000 }, exitOnSignal: false } as const;

/** Enforces nothing except that web may never reach db (by refusing): the other denials leak. */
const leaky: FakeNetwork = (from, probe) => {
  if (probe.kind === "dns") return "connected 4 10.43.0.1";
  if (probe.host.startsWith("203.")) return "timeout 1000 no answer";
  return `connected 3 ${probe.identity}`;
};

describe("live report", () => {
  it("prints expected and observed truth tables per port, and for each failing cell its three answers, rule and command", async () => {
    const run = await runLive(plan, new FakeCluster(leaky, { serveExternals: true }), options);
    const text = renderLiveText(plan, run, { style: plainStyle });
    expect(text).to.include("  5432/TCP\n  expected");
    // web -> db is predicted denied but connected: bracketed in both tables.
    const table = text.slice(text.indexOf("5432/TCP"));
    expect(table).to.match(/web\s+\[X\]/);
    expect(table).to.match(/web\s+\[\.\]/);
    expect(text).to.include("!! shop/web -> shop/db:5432/TCP  cni-mismatch: expected deny, the network did allow");
    expect(text).to.include("declared: deny at");
    expect(text).to.include("predicted: denied: egress isolated by shop/allow-dns-egress, shop/default-deny, shop/web-to-api and no rule allows");
    expect(text).to.include("observed: connected");
    const db = run.ips["shop/db"];
    expect(text).to.include(`reproduce: kubectl exec -n shop web -c netproof -- nc -vz -w 1 ${db} 5432`);
    const s = run.summary;
    expect(text.trimEnd().split("\n").pop()).to.equal(`${s.passed} passed, ${s.failed} failed`);
    expect(s.failed).to.be.greaterThan(0);
  });

  it("says so when an external is not served, rather than calling its silence a denial", async () => {
    const run = await runLive(plan, new FakeCluster(leaky), options);
    const text = renderLiveText(plan, run);
    expect(text).to.include("note: nothing of netproof's answers at 203.0.113.10 on this cluster");
    expect(text).to.match(/\?\? shop\/\w+ -> external:example \(203\.0\.113\.10\):443\/TCP  inconclusive/);
    expect(liveSummaryLine(run.summary)).to.match(/, \d+ inconclusive$/);
  });

  it("gives the same run as versioned JSON, with ok exactly when the exit code is 0", async () => {
    const out: string[] = [];
    const code = await liveCommand(plan, new FakeCluster(leaky, { serveExternals: true }), { format: "json" }, options, {
      stdout: (t) => out.push(t),
      stderr: () => undefined,
      style: plainStyle,
    });
    const json = JSON.parse(out.join("")) as ReturnType<typeof liveJson>;
    expect(code).to.equal(1);
    expect(json.format).to.equal(LIVE_JSON_FORMAT);
    expect(json.ok).to.equal(false);
    expect(json.outcome).to.equal("failures");
    const cell = json.phases[0]?.cells.find((c) => c.key === "shop/web -> shop/db:5432/TCP");
    expect(cell).to.deep.include({ declared: "deny", predicted: "deny", verdict: "cni-mismatch" });
    expect(cell?.observed).to.deep.include({ outcome: "connected", stability: "stable", samples: ["connected", "connected"] });
    expect(cell?.reproduce).to.match(/^kubectl exec -n shop web -c netproof -- nc -vz -w 1 10\.42\.\d+\.\d+ 5432$/);
    expect(json.pods.find((p) => p.workload === "shop/web")).to.deep.equal({ workload: "shop/web", namespace: "shop", name: "web", ip: json.pods.find((p) => p.workload === "shop/web")!.ip, node: "fake-node" });
    expect(json.pods.map((p) => p.workload)).to.include.members(["shop/web", "shop/api", "shop/db", "monitoring/prober"]);
  });

  it("names each pod's node, and the namespace it really ran in when the run renamed it", async () => {
    const run = await runLive(plan, new FakeCluster(leaky), { ...options, mapNamespace: (n) => (n === "kube-system" ? n : `np-t1-${n}`) });
    const text = renderLiveText(plan, run);
    expect(text).to.include("pods (all on one node):");
    expect(text).to.match(new RegExp(`\\n  shop/web\\s+${run.ips["shop/web"]!.replace(/\./g, "\\.")}  node fake-node as np-t1-shop/web\\n`));
  });

  it("reports progress on stderr and exit 3 when the cluster fails", async () => {
    const err: string[] = [];
    const code = await liveCommand(plan, new FakeCluster(leaky, { failApply: "Pod" }), { format: "text" }, options, {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      style: plainStyle,
    });
    expect(code).to.equal(3);
    expect(err.join("")).to.include("initial: applying namespaces, pods and services");
    expect(err.join("")).to.include("netproof: the cluster failed during apply workloads: the fake refuses Pod");
    expect(err.join("")).to.include("cleaning up");
  });

  it("writes reproduce commands a shell reads as one argv", () => {
    const pod = { namespace: "shop", name: "web" };
    expect(reproduceCommand(pod, { id: "x", kind: "http", host: "10.42.0.7", port: 8080, method: "GET", path: "/healthz" }, 2000)).to.equal(
      "kubectl exec -n shop web -c netproof -- curl -sS -o /dev/null -w '%{http_code}\\n' --max-time 2 -X GET http://10.42.0.7:8080/healthz",
    );
    expect(reproduceCommand(pod, { id: "x", kind: "dns", name: "kubernetes.default.svc.cluster.local" }, 1000)).to.equal(
      "kubectl exec -n shop web -c netproof -- dig +time=1 +tries=1 kubernetes.default.svc.cluster.local",
    );
  });
});
