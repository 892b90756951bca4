// The nightly workflow's verdict scripts, on a real plan of the library and
// live reports shaped as the live pipeline will write them.
import { expect } from "chai";
import { execa } from "execa";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const script = (name: string) => join(ROOT, ".github/scripts", name);

interface PlanCell { key: string; predicted: string }
interface Plan { phases: { name: string; cells: PlanCell[] }[] }

describe("nightly workflow scripts", function () {
  this.timeout(30_000);
  let dir: string;
  let planFile: string;
  let plan: Plan;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "netproof-nightly-"));
    const r = await execa(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "scenario", "three-tier", "--plan", "--format", "json"], { cwd: ROOT });
    planFile = join(dir, "three-tier.plan.json");
    writeFileSync(planFile, r.stdout);
    // netproof.plan/v2: a cell's predicted value is in the outcome it refers to.
    const report = JSON.parse(r.stdout) as { outcomes: { predicted: string }[]; phases: { name: string; cells: { key: string; outcome: number }[] }[] };
    plan = { phases: report.phases.map((p) => ({ name: p.name, cells: p.cells.map((c) => ({ key: c.key, predicted: report.outcomes[c.outcome]?.predicted ?? "" })) })) };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function live(verdictOf: (c: PlanCell) => string): string {
    const file = join(dir, `live-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ phases: plan.phases.map((p) => ({ name: p.name, cells: p.cells.map((c) => ({ key: c.key, verdict: verdictOf(c) })) })) }));
    return file;
  }
  const run = (name: string, ...args: string[]) => execa(process.execPath, [script(name), ...args], { reject: false });

  it("negative control passes when exactly the predicted-denied cells fail as cni-mismatch", async () => {
    expect(plan.phases.flatMap((p) => p.cells).some((c) => c.predicted === "deny")).to.equal(true);
    const r = await run("negative-control.mjs", planFile, live((c) => (c.predicted === "deny" ? "cni-mismatch" : "pass")), "1");
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.match(/^\| three-tier \| exit 1 \| ok: (\d+) failing, \1 predicted denied \|$/);
  });

  it("negative control fails when a denied cell passed (an enforcer was there after all) or an allowed one failed", async () => {
    const allPass = await run("negative-control.mjs", planFile, live(() => "pass"), "0");
    expect(allPass.exitCode).to.equal(1);
    expect(allPass.stdout).to.include("WRONG").and.include("denied but passed");
    const allFail = await run("negative-control.mjs", planFile, live(() => "cni-mismatch"), "1");
    expect(allFail.exitCode).to.equal(1);
    expect(allFail.stdout).to.include("failed but predicted allowed");
    const infra = await run("negative-control.mjs", planFile, live((c) => (c.predicted === "deny" ? "infra-error" : "pass")), "1");
    expect(infra.stdout).to.include("not cni-mismatch");
  });

  it("a live run passes only with exit 0 and every cell passing", async () => {
    expect((await run("live-summary.mjs", "three-tier", live(() => "pass"), "0")).exitCode).to.equal(0);
    const bad = await run("live-summary.mjs", "three-tier", live((c) => (c.predicted === "deny" ? "cni-mismatch" : "pass")), "1");
    expect(bad.exitCode).to.equal(1);
    expect(bad.stdout).to.include("cni-mismatch");
    const missing = await run("live-summary.mjs", "three-tier", join(dir, "absent.json"), "3");
    expect(missing.exitCode).to.equal(1);
    expect(missing.stdout).to.include("no readable report");
  });
});
