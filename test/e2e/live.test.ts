// End-to-end: the live pipeline on the lab adapter (network namespaces,
// ClusterIP DNAT, cluster DNS), for three-tier and every library scenario,
// against CNIs that enforce what the oracle says, nothing, or something wrong.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { listScenarios } from "../../src/scenario/library.ts";
import { liveCommand } from "../../src/cli/live-command.ts";
import { plainStyle } from "../../src/report/style.ts";
import { predictPhase } from "../../src/oracle/predict-plan.ts";
import { LabCluster } from "../cluster/lab-adapter.ts";
import { isClean, listLeftovers } from "../lab/leftovers.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { OracleCni, type Connection } from "./oracle-cni.ts";
import { cellsOf, conformantVerdicts, label, library, liveOnLab, PROBE, unenforcedVerdicts, verdicts } from "./support.ts";
import type { LiveVerdict } from "../../src/verdict/observed.ts";

const SCENARIOS = listScenarios(DEFAULT_SCENARIO_DIR).map((s) => s.name);
const is = (c: Connection, from: string, to: string, port: number) => c.from === from && c.to === to && c.port === port;

describe("live run end to end on the lab adapter", function () {
  this.timeout(120_000);
  before(assertLabUsable);

  it("covers the whole library, three-tier included", () => {
    expect(SCENARIOS).to.include("three-tier");
    expect(SCENARIOS.length).to.be.greaterThan(10);
  });

  describe("a conformant CNI (it denies exactly what the oracle denies): every cell passes", () => {
    for (const name of SCENARIOS) {
      it(name, async () => {
        const { run, leftovers } = await liveOnLab(name, {});
        expect(verdicts(run)).to.deep.equal(conformantVerdicts(run));
        expect(leftovers).to.deep.equal([]);
      });
    }

    it("ipblock-except: the lab's pods are in k3s's pod range 10.42.0.0/16, so the real pod IPs predict as the planned ones", async () => {
      const { plan, run } = await liveOnLab("ipblock-except", {});
      const initial = plan.phases[0]!;
      const planned = predictPhase(plan, initial, plan.plannedIps);
      const live = predictPhase(plan, initial, run.ips);
      expect(Object.values(run.ips).filter((ip) => ip.startsWith("10.42.")).length).to.be.greaterThan(1);
      expect(initial.cells.filter((c) => planned.get(c.key)?.kind !== live.get(c.key)?.kind).map((c) => c.key)).to.deep.equal([]);
      expect(run.summary.failed).to.equal(0);
    });

    it("a step that relabels a live pod: the policy stops admitting it, through the pod IP and the Service", async () => {
      const file = fileURLToPath(new URL("./fixtures/relabel-pod.yaml", import.meta.url));
      const { run } = await liveOnLab(file, {});
      const wanted = ["shop/web -> shop/api:8080/TCP", "shop/web -> service:shop/api:8080/TCP"];
      const answers = run.phases.map((p) => p.cells.filter((c) => wanted.includes(c.cell.key)).map((c) => `${p.phase}: ${c.cell.key} ${c.observed.final.kind} ${c.verdict.kind}`));
      expect(answers).to.deep.equal([
        ["initial: shop/web -> shop/api:8080/TCP connected pass", "initial: shop/web -> service:shop/api:8080/TCP connected pass"],
        ["relabel-web: shop/web -> shop/api:8080/TCP timeout pass", "relabel-web: shop/web -> service:shop/api:8080/TCP timeout pass"],
      ]);
      expect(run.summary.failed).to.equal(0);
    });

    it("three-tier with a CNI that rejects instead of dropping (kube-router): still every cell passes", async () => {
      const { run } = await liveOnLab("three-tier", { action: "reject" });
      expect(run.summary).to.deep.include({ failed: 0, infraErrors: 0, inconclusive: 0 });
      expect(cellsOf(run).some((c) => c.observed.final.kind === "refused")).to.equal(true);
    });
  });

  describe("a CNI that enforces nothing (flannel): exactly the predicted denials are CNI mismatches", () => {
    for (const name of SCENARIOS) {
      it(name, async () => {
        const { run } = await liveOnLab(name, { enforce: false });
        expect(verdicts(run)).to.deep.equal(unenforcedVerdicts(run));
      });
    }
  });

  describe("three-tier on CNIs that get something wrong", () => {
    it("two cells flipped from the conformant set: exactly those two fail", async () => {
      const { run } = await liveOnLab("three-tier", {
        flip: (c) => is(c, "shop/web", "shop/api", 8080) || is(c, "shop/web", "shop/db", 5432),
      });
      const failing = cellsOf(run).filter((c) => c.verdict.kind !== "pass");
      expect(failing.map((c) => [label(c), c.verdict])).to.deep.equal([
        ["initial: shop/web -> shop/api:8080/TCP", { kind: "cni-mismatch", expected: "allow", observed: "deny" }],
        ["initial: shop/web -> shop/db:5432/TCP", { kind: "cni-mismatch", expected: "deny", observed: "allow" }],
      ]);
    });

    it("a rule the CNI enforces only 3 s after apply: late, with its programming latency", async () => {
      let startsAt: number | undefined;
      const { run } = await liveOnLab(
        "three-tier",
        { timing: (c) => (is(c, "monitoring/prober", "shop/api", 8080) ? { startsAt: (startsAt ??= Date.now() + 3_000) } : undefined) },
        { observeMs: 6_000 },
      );
      const notPass = cellsOf(run).filter((c) => c.verdict.kind !== "pass");
      expect(notPass.map(label)).to.deep.equal(["initial: monitoring/prober -> shop/api:8080/TCP"]);
      const [late] = notPass;
      expect(late?.verdict.kind).to.equal("late");
      // Before startsAt the fault was not in force, so the denial cannot have been seen earlier.
      const latency = late?.verdict.kind === "late" ? late.verdict.latencyMs : null;
      expect(latency).to.be.a("number");
      expect(latency).to.be.at.least(2_500);
      expect(late?.samples[0]?.observation.kind).to.equal("connected");
      expect(late?.observed.final.kind).to.equal("timeout");
    });

    it("a rule that keeps switching on and off: flaky", async () => {
      const { run } = await liveOnLab(
        "three-tier",
        { timing: (c) => (is(c, "monitoring/prober", "shop/api", 8080) ? { flakyPeriodMs: 2_000 } : undefined) },
        { observeMs: 9_000 },
      );
      const notPass = cellsOf(run).filter((c) => c.verdict.kind !== "pass");
      expect(notPass.map((c) => [label(c), c.verdict.kind])).to.deep.equal([["initial: monitoring/prober -> shop/api:8080/TCP", "flaky"]]);
    });

    it("an exec that fails: that pod's cells are infra errors, never denials, and the run exits 3", async () => {
      const plan = library("three-tier");
      const lab = await LabCluster.start();
      const cni = new OracleCni(lab);
      lab.failExec({ namespace: "shop", name: "db" });
      const out: string[] = [];
      const code = await liveCommand(plan, cni, { format: "json" }, { runId: "e2e", probe: PROBE, exitOnSignal: false }, {
        stdout: (t) => out.push(t),
        stderr: () => undefined,
        style: plainStyle,
      }).finally(() => lab.cleanup());
      const json = JSON.parse(out.join("")) as { phases: Array<{ cells: Array<{ from: string; verdict: string }> }>; outcome: string };
      const cells = json.phases.flatMap((p) => p.cells);
      expect(cells.filter((c) => c.verdict === "infra-error").map((c) => c.from)).to.deep.equal(cells.filter((c) => c.from === "shop/db").map(() => "shop/db"));
      expect(cells.filter((c) => c.from !== "shop/db").every((c) => c.verdict === "pass")).to.equal(true);
      expect(json.outcome).to.equal("infra-error");
      expect(code).to.equal(3);
    });
  });

  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal === "SIGINT" ? "Ctrl-C" : "SIGTERM"} in the middle of a live run: the run cleans up, nothing is left behind, exit ${code}`, async () => {
      const prefix = `np-${signal === "SIGINT" ? "int" : "trm"}-${process.pid % 10000}-`;
      const fixture = fileURLToPath(new URL("./fixtures/live-until-interrupted.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", fixture, prefix], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      const probing = new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString("utf8");
          if (/probing, round \d+/.test(stderr)) resolve();
        });
        child.once("exit", () => reject(new Error(`the live run ended before probing:\n${stderr}`)));
      });
      await probing;
      expect(isClean(listLeftovers(prefix))).to.equal(false);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
      child.kill(signal);
      expect(await exited).to.equal(code);
      expect(stderr).to.include("removing what this run created");
      expect(listLeftovers(prefix)).to.deep.equal({ namespaces: [], processes: [], etcNetns: [], tempDirs: [] });
    });
  }
});
