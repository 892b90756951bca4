import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { execa } from "execa";
import { runPlan } from "../../src/cli/plan-run.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { listScenarios } from "../../src/scenario/library.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scenarios = path.join(root, "scenarios");

/** The CLI as a user runs it; `reject: false` so exit codes can be asserted. */
async function netproof(...args: string[]) {
  return execa("node", ["--import", "tsx", path.join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    reject: false,
    env: { NO_COLOR: "1" },
  });
}

describe("cli: netproof scenario", function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function scenarioFile(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it("shows an external address by the scenario's name for it, and keeps the key as written in JSON", async () => {
    const text = await netproof("scenario", "three-tier", "--plan");
    expect(text.stdout).to.include("shop/web -> external:example (203.0.113.10):443/TCP");
    const json = await netproof("scenario", "three-tier", "--plan", "--format", "json");
    expect(json.stdout).to.include('"shop/web -> external:203.0.113.10:443/TCP"');
    expect(json.stdout).to.not.include("external:example (");
  });

  it("every library scenario passes plan mode; the mistake ones say what the mistake is", () => {
    const entries = listScenarios(scenarios);
    expect(entries.map((e) => e.name)).to.include.members([
      "three-tier",
      "default-deny-ingress",
      "default-deny-egress",
      "default-deny-all",
      "dns-egress",
      "cross-namespace",
      "namespace-isolation",
      "monitoring-access",
      "ipblock-except",
      "external-https-egress",
      "api-gateway",
      "mistake-and-vs-or",
      "mistake-forgot-dns",
      "mistake-namespace-labels-not-set",
      "mistake-egress-to-service",
    ]);
    for (const entry of entries) {
      const run = runPlan(loadScenario(entry.file));
      expect(run.summary, entry.name).to.include({ mismatches: 0, invalid: 0 });
      expect(run.summary.cells, entry.name).to.be.greaterThan(0);
      expect(Boolean(entry.mistake), `${entry.name}: mistake-* scenarios and only those declare a mistake`).to.equal(
        entry.name.startsWith("mistake-"),
      );
    }
  });

  it("--plan prints the truth tables and exits 0 when declared = predicted", async () => {
    const r = await netproof("scenario", "three-tier", "--plan");
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/5432\/TCP/);
    // Identical declared and predicted tables print once.
    const db = r.stdout.slice(r.stdout.indexOf("5432/TCP"));
    expect(db).to.match(/^5432\/TCP\n  declared = predicted\n/);
    expect(db).to.match(/^\s+web\s+X\s*$/m); // web may not skip a tier to db
    expect(r.stdout).to.match(/plan: \d+ cells, \d+ agree, 0 disagree, 0 invalid/);
  });

  it("exits 1 and explains each disagreement with the rule that decided it", async () => {
    const file = scenarioFile(
      "wrong.yaml",
      [
        "description: web may reach db, but the author thinks not",
        "namespaces: { shop: {} }",
        "workloads:",
        "  shop/web: { labels: { app: web }, ports: [80] }",
        "  shop/db: { labels: { app: db }, ports: [5432] }",
        "manifests:",
        "  - inline:",
        "      apiVersion: networking.k8s.io/v1",
        "      kind: NetworkPolicy",
        "      metadata: { name: db-from-web, namespace: shop }",
        "      spec:",
        "        podSelector: { matchLabels: { app: db } }",
        "        ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }]",
        "expect:",
        "  allow: [db -> web:80]",
        "  deny:",
        "    - web -> db:5432",
      ].join("\n"),
    );
    const r = await netproof("scenario", file, "--plan");
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.match(/^\s+web\s+\[X\]\s+web\s+\[\.\]\s*$/m);
    expect(r.stdout).to.include("!! shop/web -> shop/db:5432/TCP");
    expect(r.stdout).to.include(`declared: deny at ${file}:17`);
    expect(r.stdout).to.include("ingress allowed by shop/db-from-web rule 0 peer 0");
    expect(r.stdout).to.match(/1 disagree/);
  });

  it("--format json gives every cell in the documented, versioned shape", async () => {
    const r = await netproof("scenario", "ipblock-except", "--plan", "--format", "json");
    expect(r.exitCode, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as {
      format: string;
      ok: boolean;
      targets: Array<Record<string, unknown>>;
      outcomes: Array<Record<string, unknown>>;
      phases: Array<{ name: string; cells: Array<Record<string, unknown>> }>;
    };
    expect(report.format).to.equal("netproof.plan/v2");
    expect(report.ok).to.equal(true);
    const cells = report.phases[0]?.cells ?? [];
    const batchToDb = cells.find((c) => c.key === "prod/batch -> prod/db:5432/TCP");
    expect(report.targets[Number(batchToDb?.target)]).to.deep.equal({ to: { kind: "workload", workload: "prod/db" }, port: 5432, protocol: "TCP", probe: "tcp" });
    const outcome = report.outcomes[Number(batchToDb?.outcome)];
    expect(outcome).to.deep.include({ declared: "deny", predicted: "deny", verdict: "pass" });
    expect(outcome?.ingress).to.deep.equal({ kind: "denied", isolatedBy: ["prod/db-ingress"] });
    for (const c of cells) {
      expect(c).to.have.all.keys("key", "from", "target", "outcome");
      expect(report.targets[Number(c.target)]).to.have.any.keys("to");
      expect(report.outcomes[Number(c.outcome)]).to.have.all.keys("declared", "declaredAt", "predicted", "verdict", "egress", "ingress");
    }
  });

  it("--list lists the library with descriptions", async () => {
    const r = await netproof("scenario", "--list");
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.match(/^three-tier\s+Web, API and database tiers/m);
    expect(r.stdout).to.match(/^mistake-forgot-dns\s+.*\(shows a mistake on purpose\)$/m);
  });

  it("bad input: exit 2, file:line:field and what was expected, no stack trace", async () => {
    const file = scenarioFile(
      "bad.yaml",
      ["description: bad port", "namespaces: { shop: {} }", "workloads:", "  shop/web: { ports: [70000] }"].join("\n"),
    );
    const r = await netproof("scenario", file, "--plan");
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include(`${file}:4:`);
    expect(r.stderr).to.include("ports[0]");
    expect(r.stderr).to.include("1 to 65535");
    expect(r.stderr).not.to.match(/^\s+at /m);
  });

  it("unknown names and flags get a helpful message and exit 2", async () => {
    const name = await netproof("scenario", "three-tir", "--plan");
    expect(name.exitCode).to.equal(2);
    expect(name.stderr).to.include('did you mean "three-tier"?');
    const flag = await netproof("scenario", "three-tier", "--plna");
    expect(flag.exitCode).to.equal(2);
    expect(flag.stderr).to.include("Did you mean --plan?");
    const format = await netproof("scenario", "three-tier", "--plan", "--format", "yaml");
    expect(format.exitCode).to.equal(2);
    expect(format.stderr).to.include("Allowed choices are text, json");
  });

  it("checks a live run's cluster flags before it reaches any cluster or Docker", async () => {
    const context = await netproof("scenario", "three-tier", "--context", "prod");
    expect(context.exitCode).to.equal(2);
    expect(context.stderr).to.include("--context names a context of a kubeconfig, and no --kubeconfig was given");
    expect(context.stderr).to.include("npm run scenario three-tier -- --plan");
    const mixed = await netproof("scenario", "three-tier", "--kubeconfig", "/nonexistent/kubeconfig", "--keep", "--reuse");
    expect(mixed.exitCode).to.equal(2);
    expect(mixed.stderr).to.include("--keep, --reuse apply to a k3s cluster netproof starts, not to --kubeconfig");
    const profile = await netproof("scenario", "three-tier", "--cluster", "k3s-calcio");
    expect(profile.exitCode).to.equal(2);
    expect(profile.stderr).to.include('unknown cluster profile "k3s-calcio"');
    const file = await netproof("scenario", "three-tier", "--kubeconfig", "/nonexistent/kubeconfig");
    expect(file.exitCode).to.equal(2);
    expect(file.stderr).to.include("/nonexistent/kubeconfig: cannot read the kubeconfig: no such file");
    for (const r of [context, mixed, profile, file]) {
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.not.match(/^\s+at /m);
    }
    // Bad input is still bad input before any cluster is asked for.
    const typo = await netproof("scenario", "three-tir");
    expect(typo.exitCode).to.equal(2);
    expect(typo.stderr).to.include('did you mean "three-tier"?');
  });

  it("lists the k3s cluster profiles", async () => {
    const r = await netproof("scenario", "--list-clusters");
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.trimEnd().split("\n").map((l) => l.split(/\s+/)[0])).to.deep.equal(["k3s-calico", "k3s-kube-router", "k3s-no-policy"]);
    expect(r.stdout).to.match(/^k3s-calico .*\(default\)$/m);
  });
});
