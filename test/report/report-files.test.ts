import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { junitSchemaErrors, netproof, readResults, root, withBrowser, xpath } from "./report-support.ts";
import { REPORT_FILES, writeReportDir } from "../../src/report/report-dir.ts";
import { liveCommand } from "../../src/cli/live-command.ts";
import { plainStyle } from "../../src/report/style.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { runPlan } from "../../src/cli/plan-run.ts";
import { planResults } from "../../src/report/results.ts";
import { FakeCluster, type FakeNetwork } from "../cli/fake-cluster.ts";

const WRONG_SHOP = path.join(root, "test/report/fixtures/wrong-shop.yaml");
const FAILING = ["shop/api -> shop/db:5432/TCP", "dev/tester -> shop/api:8080/TCP", "shop/web -> dns:kubernetes.default.svc.cluster.local"];

describe("report files (--report-dir)", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-reports-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("plan mode, a scenario with three wrong expectations", () => {
    let out: string;
    let exitCode: number | undefined;
    before(async () => {
      out = path.join(dir, "plan");
      const r = await netproof("scenario", WRONG_SHOP, "--plan", "--report-dir", out);
      exitCode = r.exitCode;
    });

    it("the terminal names the nearest miss under each disagreement", async () => {
      const r = await netproof("scenario", WRONG_SHOP, "--plan");
      expect(r.stdout).to.include(
        "predicted: denied: ingress isolated by shop/db-ingress, shop/default-deny and no rule allows shop/api -> shop/db:5432/TCP\n" +
          "         nearest miss (ingress): rule 0 of shop/db-ingress allows 5433/TCP, not 5432/TCP",
      );
    });

    it("rule coverage finds the dead rules: in results.json, the terminal and summary.md", async () => {
      const dead = [
        "rule 0 of shop/db-ingress (ingress) is never exercised by this scenario",
        "rule 2 of shop/api-policy (ingress) is never exercised by this scenario",
      ];
      const [results] = readResults(path.join(out, "results.json"));
      expect(results?.coverage.unexercised).to.deep.equal(dead);
      const rule1 = results?.coverage.rules.find((r) => r.policy === "shop/api-policy" && r.direction === "ingress" && r.rule === 1);
      expect(rule1).to.deep.include({ peer: 0, cells: 2, examples: ["initial: shop/web -> shop/api:8080/TCP", "initial: shop/db -> shop/api:8080/TCP"] });
      const text = (await netproof("scenario", WRONG_SHOP, "--plan")).stdout;
      expect(text).to.include(`Rule coverage: 4 of 6 rules and peers admit at least one cell\n  -- ${dead[0]}\n  -- ${dead[1]}\n`);
      const md = readFileSync(path.join(out, "summary.md"), "utf8");
      for (const d of dead) expect(md).to.include(`- ${d}`);
    });

    it("writes the four files and exits 1", () => {
      expect(exitCode).to.equal(1);
      for (const f of REPORT_FILES) expect(statSync(path.join(out, f)).size, f).to.be.greaterThan(0);
    });

    it("results.json parses back against the results schema", () => {
      const [results] = readResults(path.join(out, "results.json"));
      expect(results?.mode).to.equal("plan");
      expect(results?.ok).to.equal(false);
      const failing = results!.phases.flatMap((p) => p.cells.filter((c) => c.verdict !== "pass").map((c) => c.key));
      expect(failing).to.have.members(FAILING);
    });

    it("junit.xml is valid against the JUnit schema: one testcase per cell, a failure per failing cell with its three answers", async () => {
      const junit = path.join(out, "junit.xml");
      expect(await junitSchemaErrors(junit)).to.equal("");
      expect(await xpath(junit, "count(//testsuite)")).to.equal("1");
      expect(await xpath(junit, "string(//testsuite/@name)")).to.equal("wrong-shop: initial");
      expect(await xpath(junit, "count(//testcase)")).to.equal("10");
      expect(await xpath(junit, "count(//testcase[failure])")).to.equal("3");
      const text = await xpath(junit, `string(//testcase[@name="shop/api -> shop/db:5432/TCP"]/failure)`);
      expect(text).to.include("declared: allow at");
      expect(text).to.include("predicted: denied: ingress isolated by shop/db-ingress");
      expect(text).to.include("nearest miss (ingress): rule 0 of shop/db-ingress allows 5433/TCP, not 5432/TCP");
      expect(text).to.include("observed: not probed (plan mode)");
      const dns = await xpath(junit, `string(//testcase[@name="shop/web -> dns:kubernetes.default.svc.cluster.local"]/failure)`);
      expect(dns).to.include("DNS is blocked: the egress of shop/web is isolated by shop/default-deny, shop/web-egress and no egress rule allows port 53");
      const tester = await xpath(junit, `string(//testcase[@name="dev/tester -> shop/api:8080/TCP"]/failure)`);
      expect(tester).to.include("peer 0 of rule 1 of shop/api-policy needs namespace label team=shop, which namespace dev lacks");
      expect(text).to.include("probably wrong: the scenario");
    });

    it("the JUnit check can fail: a count that is not a number is refused by the schema", async () => {
      const bad = path.join(dir, "bad-junit.xml");
      writeFileSync(bad, readFileSync(path.join(out, "junit.xml"), "utf8").replace(/tests="10"/g, 'tests="ten"'));
      expect(await junitSchemaErrors(bad)).to.include("is not a valid value of the atomic type 'xs:nonNegativeInteger'");
    });

    it("summary.md gives the counts, the failing cells and only the tables of failing ports", () => {
      const md = readFileSync(path.join(out, "summary.md"), "utf8");
      expect(md).to.include("| wrong-shop | plan | 10 | 7 | 0 | 3 |");
      for (const key of FAILING) expect(md).to.include(`\`${key}\``);
      expect(md).to.include("### initial: 5432/TCP");
      expect(md).to.include("### initial: 8080/TCP");
      expect(md).not.to.include("### initial: 80/TCP");
      expect(md).to.match(/\| api \| \*\*\[\.X\]\*\* \|/);
    });

    it("matrix.html, in headless chromium: the failing cells are highlighted and a click shows each one's explanation; nothing is fetched", async () => {
      const page = pathToFileURL(path.join(out, "matrix.html")).href;
      const seen = await withBrowser(async (browser) => {
        const tab = await browser.newPage();
        const requests: string[] = [];
        tab.on("request", (r) => requests.push(r.url()));
        await tab.goto(page);
        const failing = tab.locator("td.fail");
        const keys = await failing.evaluateAll((tds) => tds.map((td) => td.getAttribute("data-key")));
        const explanations: string[] = [];
        for (let i = 0; i < (await failing.count()); i++) {
          await failing.nth(i).click();
          explanations.push(await tab.locator("#explanation").innerText());
        }
        const colour = await failing.first().evaluate((td) => td.ownerDocument.defaultView?.getComputedStyle(td).backgroundColor);
        const passing = await tab.locator("td.pass").count();
        await tab.screenshot({ path: path.join(dir, "matrix.png"), fullPage: true });
        return { keys, explanations, colour, passing, requests };
      });
      expect(seen.keys).to.have.members(FAILING);
      seen.keys.forEach((key, i) => {
        expect(seen.explanations[i]).to.include(`${key}: expectation-mismatch`);
        expect(seen.explanations[i]).to.include("predicted: denied");
      });
      expect(seen.colour).to.equal("rgb(246, 184, 184)");
      expect(seen.passing).to.equal(7);
      expect(seen.requests).to.deep.equal([page]);
      expect(statSync(path.join(dir, "matrix.png")).size).to.be.greaterThan(1000);
    });
  });

  it("summary.md of a generated run of 3,540 cells, every one failing, stays well under GitHub's 1 MiB", () => {
    const names = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const scenario = [
      "description: generated, 60 workloads under default deny, every cell declared allowed",
      "namespaces: { big: {} }",
      "workloads:",
      ...names.map((n) => `  big/${n}: { labels: { app: ${n} }, ports: [80/tcp] }`),
      "manifests:",
      "  - inline: { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: deny, namespace: big }, spec: { podSelector: {}, policyTypes: [Ingress] } }",
      "expect:",
      "  default: allow",
    ].join("\n");
    const file = path.join(dir, "big.yaml");
    writeFileSync(file, scenario);
    const plan = loadScenario(file);
    const results = planResults(plan, runPlan(plan).phases);
    expect(results.summary.failed).to.equal(3540);
    const [, , summary] = writeReportDir(path.join(dir, "big"), [results]);
    const size = statSync(summary!).size;
    expect(size).to.be.lessThan(100 * 1024); // measured: 39 KiB
    const md = readFileSync(summary!, "utf8");
    expect(md).to.include("… and 3440 more failing cells");
    expect(md).to.include("Only the rows and columns with a failing cell (of 60 × 60).");
  });

  it("a live run (in-memory cluster that leaks): the CNI is named as wrong, with the observed answer and the command to reproduce", async () => {
    const plan = loadScenario(resolveScenario("three-tier", DEFAULT_SCENARIO_DIR));
    const leaky: FakeNetwork = (_from, probe) =>
      probe.kind === "dns" ? "connected 4 10.43.0.1" : probe.host.startsWith("203.") ? "timeout 1000 no answer" : `connected 3 ${probe.identity}`;
    const out = path.join(dir, "live");
    const code = await liveCommand(plan, new FakeCluster(leaky, { serveExternals: true }), { format: "text", reportDir: out }, { runId: "t1", probe: { timeoutMs: 1000 }, exitOnSignal: false }, {
      stdout: () => undefined,
      stderr: () => undefined,
      style: plainStyle,
    });
    expect(code).to.equal(1);
    const [results] = readResults(path.join(out, "results.json"));
    expect(results?.mode).to.equal("live");
    expect(results?.cluster?.description).to.equal("fake");
    const junit = path.join(out, "junit.xml");
    expect(await junitSchemaErrors(junit)).to.equal("");
    const text = await xpath(junit, `string(//testcase[@name="shop/web -> shop/db:5432/TCP"]/failure)`);
    expect(text).to.include("cni-mismatch: expected deny, the network did allow");
    expect(text).to.include("observed: connected");
    expect(text).to.include("probably wrong: the CNI");
    expect(text).to.match(/reproduce: kubectl exec -n shop web -c netproof -- nc -vz -w 1 10\.42\.\d+\.\d+ 5432/);
  });
});

describe("docs/results.schema.json", () => {
  it("is the schema the code checks results with (regenerate: npx tsx test/report/write-results-schema.ts)", async () => {
    const { resultsJsonSchema } = await import("../../src/report/results-schema.ts");
    expect(JSON.parse(readFileSync(path.join(root, "docs/results.schema.json"), "utf8"))).to.deep.equal(resultsJsonSchema());
  });
});

describe("several scenarios in one run", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-multi-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a list of names: one combined set of files, a closing line, and exit 1 when one scenario fails", async () => {
    const out = path.join(dir, "two");
    const r = await netproof("scenario", "three-tier", WRONG_SHOP, "--plan", "--report-dir", out);
    expect(r.exitCode).to.equal(1);
    expect(r.stdout.trimEnd().split("\n").pop()).to.equal(`2 scenarios: 1 passed, 1 failed (${WRONG_SHOP})`);
    const runs = readResults(path.join(out, "results.json"));
    expect(runs.map((x) => [x.scenario.name, x.ok])).to.deep.equal([["three-tier", true], ["wrong-shop", false]]);
    const junit = path.join(out, "junit.xml");
    expect(await junitSchemaErrors(junit)).to.equal("");
    expect(await xpath(junit, "string(/testsuites/@failures)")).to.equal("3");
    expect(await xpath(junit, "count(//testsuite)")).to.equal(String(runs.reduce((n, x) => n + x.phases.length, 0)));
    expect(readFileSync(path.join(out, "summary.md"), "utf8")).to.include("# netproof: 1 of 2 scenarios failing");
  });

  it("--all runs the whole library (exit 0: every library scenario passes in plan mode) into one results list", async () => {
    const out = path.join(dir, "all");
    const r = await netproof("scenario", "--all", "--plan", "--report-dir", out);
    expect(r.exitCode, r.stderr).to.equal(0);
    const list = JSON.parse(readFileSync(path.join(out, "results.json"), "utf8")) as { format: string; runs: Array<{ scenario: { name: string } }> };
    expect(list.format).to.equal("netproof.results-list/v2");
    expect(readResults(path.join(out, "results.json")).map((x) => x.scenario.name)).to.include.members(["three-tier", "mistake-forgot-dns"]);
    expect(list.runs.length).to.be.greaterThan(10);
    expect(r.stdout.trimEnd().split("\n").pop()).to.equal(`${list.runs.length} scenarios: ${list.runs.length} passed`);
    const json = await netproof("scenario", "--all", "--plan", "--format", "json");
    expect(json.exitCode).to.equal(2);
    expect(json.stderr).to.include("--format json reports one scenario");
  });

  it("--all with names, or a bad name among good ones, is bad input (exit 2) before anything runs", async () => {
    const both = await netproof("scenario", "--all", "three-tier", "--plan");
    expect(both.exitCode).to.equal(2);
    expect(both.stderr).to.include("give either --all or scenario names, not both");
    const bad = await netproof("scenario", "three-tier", "three-tir", "--plan");
    expect(bad.exitCode).to.equal(2);
    expect(bad.stdout).to.equal("");
    expect(bad.stderr).to.include('unknown scenario "three-tir"');
  });
});
