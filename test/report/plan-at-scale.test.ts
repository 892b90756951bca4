// Plan mode on a generated scenario larger than a table can print in full:
// declared values as the statements say, truth tables folded into groups,
// and the JSON report written in bounded chunks that reassemble into the
// documented shape.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPlan, type PlanRun } from "../../src/cli/plan-run.ts";
import { planJson, writePlanJson } from "../../src/report/plan-json.ts";
import { renderPlanText } from "../../src/report/plan-text.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import type { Plan } from "../../src/scenario/plan.ts";
import { writeScaleScenario } from "../bench/plan-scenario.ts";

const WORKLOADS = 60; // 3 per namespace: 60 x 59 x 2 matrix cells

describe("plan mode at scale (generated scenario)", function () {
  this.timeout(60_000);
  let dir: string;
  let plan: Plan;
  let run: PlanRun;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "netproof-scale-test-"));
    plan = loadScenario(writeScaleScenario(dir, WORKLOADS).file);
    run = runPlan(plan);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const team = (id: string) => Number(/^ns(\d+)\//.exec(id)?.[1]) % 5;
  const ns = (id: string) => id.split("/")[0];

  it("declares every matrix cell as its statements say", () => {
    const cells = plan.phases[0]?.cells ?? [];
    expect(cells.filter((c) => c.to.kind === "workload")).to.have.length(WORKLOADS * (WORKLOADS - 1) * 2);
    for (const c of cells) {
      if (c.to.kind !== "workload") continue;
      const to = c.to.workload;
      const allowed =
        c.port === 80 ? team(c.from) === team(to) || (ns(c.from) === "ns1" && ns(to) === "ns2") : ns(c.from) === "ns0";
      expect(c.declared.kind, c.key).to.equal(allowed ? "allow" : "deny");
    }
    // The one mistake: ns1 -> ns2 on port 80 (different teams), 3 x 3 cells.
    expect(run.summary.mismatches).to.equal(9);
    expect(run.summary.cells).to.equal(WORKLOADS * (WORKLOADS - 1) * 2 + 2 * WORKLOADS);
  });

  it("prints each port's truth table as groups of identical rows and columns, with the mistake bracketed", () => {
    const text = renderPlanText(plan, run.phases, run.summary);
    expect(text).to.include("80/TCP: 60 sources x 60 targets, as 6 x 6 groups of identical rows and columns");
    expect(text).to.include("9090/TCP: 60 sources x 60 targets, as 2 x 1 groups");
    // The five teams (ns1's row apart, for its mistake), spelled out under the table.
    expect(text).to.match(/g\d \(12\): ns0\/\*, ns5\/\*, ns10\/\*, ns15\/\*/);
    const row = text.split("\n").find((l) => /^\s+ns1\/\*\s/.test(l));
    expect(row, "the row of ns1").to.not.equal(undefined);
    // Declared allow, predicted deny, side by side.
    expect(row?.match(/\[\.\]/g)).to.have.length(1);
    expect(row?.match(/\[X\]/g)).to.have.length(1);
    expect(text).to.include("ok * -> dns:kubernetes.default.svc.cluster.local  declared allow  predicted allow  (60 cells)");
    const lines = text.split("\n");
    const table = lines.slice(lines.findIndex((l) => l.includes("80/TCP:")), lines.findIndex((l) => l.includes("Other cells")));
    expect(Math.max(...table.map((l) => l.length)), "width of the tables").to.be.lessThan(240);
  });

  it("prints every row with --verbose", () => {
    const text = renderPlanText(plan, run.phases, run.summary, { verbose: true });
    expect(text).not.to.include("groups of identical rows");
    expect(text.split("\n").filter((l) => /^\s+ns7\/w1\s/.test(l))).to.have.length(2); // one per port table
    expect(text).to.include("Every cell");
  });

  it("writes the JSON report in bounded chunks that reassemble into the documented shape", () => {
    const chunks: string[] = [];
    writePlanJson(plan, run.phases, run.summary, (c) => void chunks.push(c));
    expect(chunks.length).to.be.greaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).to.be.lessThan(70 * 1024);
    const report = JSON.parse(chunks.join(""));
    expect(report).to.deep.equal(planJson(plan, run.phases, run.summary));
    expect(report.format).to.equal("netproof.plan/v2");
    const results = run.phases[0]?.cells ?? [];
    const cells = report.phases[0].cells as Array<{ key: string; from: string; target: number; outcome: number; reason?: string }>;
    expect(cells).to.have.length(results.length);
    cells.forEach((c, i) => {
      const r = results[i];
      const t = report.targets[c.target];
      const o = report.outcomes[c.outcome];
      expect(c.key).to.equal(r?.cell.key);
      expect(t).to.deep.include({ to: r?.cell.to, port: r?.cell.port, protocol: r?.cell.protocol, probe: r?.cell.kind });
      expect(o.declared).to.equal(r?.declared);
      expect(o.verdict).to.equal(r?.verdict.kind);
      expect(o.predicted).to.equal(r?.predicted.kind === "allowed" ? "allow" : "deny");
      expect(c.reason === undefined).to.equal(r?.verdict.kind === "pass");
    });
    // Shared: far fewer targets and outcomes than cells.
    expect(report.targets.length).to.equal(WORKLOADS * 2 + 2);
    expect(report.outcomes.length).to.be.lessThan(cells.length / 2);
  });
});
