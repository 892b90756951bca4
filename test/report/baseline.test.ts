// Baselines and `netproof diff`: live runs on the lab adapter stored and
// compared, and plan-mode runs through the CLI for each exit code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { liveResults } from "../../src/report/results.ts";
import { writeResultsFile } from "../../src/report/report-dir.ts";
import { diffRuns } from "../../src/report/baseline-diff.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { liveOnLab } from "../e2e/support.ts";
import type { Connection } from "../e2e/oracle-cni.ts";
import { netproof, readResults } from "./report-support.ts";

const is = (c: Connection, from: string, to: string, port: number) => c.from === from && c.to === to && c.port === port;

describe("baselines and netproof diff", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-baseline-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("two live runs on the lab adapter (three-tier), the second with one more cell wrong", () => {
    let a: string;
    let b: string;
    before(async function () {
      await assertLabUsable.call(this);
      const first = await liveOnLab("three-tier", { flip: (c) => is(c, "shop/web", "shop/api", 8080) });
      const second = await liveOnLab("three-tier", { flip: (c) => is(c, "shop/web", "shop/api", 8080) || is(c, "shop/web", "shop/db", 5432) });
      a = path.join(dir, "a.json");
      b = path.join(dir, "b.json");
      writeResultsFile(a, [liveResults(first.plan, first.run)]);
      writeResultsFile(b, [liveResults(second.plan, second.run)]);
    });

    it("the diff finds the single flipped cell and nothing else, and the cell both runs get wrong", () => {
      const d = diffRuns(readResults(a), readResults(b));
      expect(d.changed.map((c) => [c.phase, c.key, c.before?.answer, c.after?.answer, c.after?.verdict])).to.deep.equal([
        ["initial", "shop/web -> shop/db:5432/TCP", "deny", "allow", "cni-mismatch"],
      ]);
      expect(d.wrongInBoth.map((c) => c.key)).to.deep.equal(["shop/web -> shop/api:8080/TCP"]);
    });

    it("a stored run names what its cluster said of itself, and what is unknown", () => {
      const [stored] = readResults(a);
      expect(stored?.cluster).to.deep.include({ profile: null, kubernetesVersion: null, cni: { name: null, version: null } });
      expect(stored?.netproof.version).to.match(/^\d+\.\d+\.\d+/);
    });

    it("netproof diff A B: the changed cell, exit 1; A A: no change, exit 0", async () => {
      const changed = await netproof("diff", a, b);
      expect(changed.exitCode, changed.stderr).to.equal(1);
      expect(changed.stdout).to.include("1 cell changed:\n  ~~ three-tier initial: shop/web -> shop/db:5432/TCP  denied (pass) -> allowed (cni-mismatch)");
      expect(changed.stdout).to.include("1 cell wrong in both runs");
      expect(changed.stdout).to.include("profile unknown, CNI unknown, Kubernetes unknown");
      const same = await netproof("diff", a, a);
      expect(same.exitCode).to.equal(0);
      expect(same.stdout.trimEnd().split("\n").pop()).to.equal("no cell changed");
    });
  });

  it("netproof diff with a file that is not a stored run: exit 2, naming the file and the field", async () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ format: "netproof.results/v2", mode: "plan" }));
    const r = await netproof("diff", bad, bad);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include(`netproof: ${bad}: scenario: Invalid input: expected object, received undefined`);
    const old = path.join(dir, "old.json");
    writeFileSync(old, JSON.stringify({ format: "netproof.plan/v1" }));
    const r2 = await netproof("diff", old, old);
    expect(r2.exitCode).to.equal(2);
    expect(r2.stderr).to.include(`${old}: format: expected "netproof.results/v2" or "netproof.results-list/v2", got "netproof.plan/v1"`);
  });

  describe("--save-baseline and --baseline in plan mode: the exit codes", () => {
    const version = (port: number, extra = "") =>
      [
        "name: db-port",
        "description: one policy whose port changes between versions",
        "namespaces: { shop: {} }",
        "workloads:",
        "  shop/api: { labels: { tier: api } }",
        "  shop/db: { labels: { tier: db }, ports: [5432/tcp] }",
        "manifests:",
        `  - inline: { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: db-ingress, namespace: shop }, spec: { podSelector: { matchLabels: { tier: db } }, ingress: [{ ports: [{ port: ${port} }] }] } }`,
        extra,
      ].join("\n");
    let v1: string;
    let v2: string;
    let v2wrong: string;
    let base: string;
    before(() => {
      v1 = path.join(dir, "v1.yaml");
      v2 = path.join(dir, "v2.yaml");
      v2wrong = path.join(dir, "v2-wrong.yaml");
      base = path.join(dir, "base.json");
      writeFileSync(v1, version(5433));
      writeFileSync(v2, version(5432));
      writeFileSync(v2wrong, version(5432, "expect: { deny: [api -> db:5432] }"));
    });

    it("0: saved, then the same run compared with it (nothing changed, every cell passed)", async () => {
      expect((await netproof("scenario", v1, "--plan", "--save-baseline", base)).exitCode).to.equal(0);
      expect(readResults(base)[0]?.scenario.name).to.equal("db-port");
      const r = await netproof("scenario", v1, "--plan", "--baseline", base);
      expect(r.exitCode).to.equal(0);
      expect(r.stdout).to.include("no cell changed");
    });

    it("4: every cell passed, but an answer changed from the baseline", async () => {
      const r = await netproof("scenario", v2, "--plan", "--baseline", base);
      expect(r.exitCode).to.equal(4);
      expect(r.stdout).to.include("~~ db-port initial: shop/api -> shop/db:5432/TCP  denied (pass) -> allowed (pass)");
    });

    it("1: a cell failed (failures win over changes)", async () => {
      const r = await netproof("scenario", v2wrong, "--plan", "--baseline", base);
      expect(r.exitCode).to.equal(1);
      expect(r.stdout).to.include("1 changed");
    });

    it("2: the baseline is not a stored run", async () => {
      const r = await netproof("scenario", v1, "--plan", "--baseline", v1);
      expect(r.exitCode).to.equal(2);
      expect(r.stderr).to.include(`${v1}: not JSON`);
      expect(readFileSync(base, "utf8")).to.include('"netproof.results/v2"');
    });
  });
});
