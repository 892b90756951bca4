// End to end with --kubeconfig: the real CLI through client-node, the real
// exec websocket and real probes, on the API stand-in whose pods run on the
// lab. The stand-in enforces nothing (flannel), or what the oracle denies
// (--enforce-as-predicted), or that with two cells wrong.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { listScenarios } from "../../src/scenario/library.ts";
import type { LiveJson } from "../../src/report/live-json.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { exitOf, FAST, jsonExpected, jsonVerdicts, scenarioChild, scenarioInProcess, standInOnLab, type StandInLab } from "./kubeconfig-support.ts";

const SCENARIOS = listScenarios(DEFAULT_SCENARIO_DIR).map((s) => s.name);

describe("live runs with --kubeconfig, through the API stand-in on the lab", function () {
  this.timeout(120_000);
  before(assertLabUsable);

  for (const cni of ["unenforced", "conformant"] as const) {
    describe(cni === "unenforced" ? "a stand-in that enforces nothing: exactly the predicted denials are CNI mismatches" : "--enforce-as-predicted: every cell passes", () => {
      let cluster: StandInLab;
      before(async () => {
        cluster = await standInOnLab({ enforce: cni === "conformant" });
      });
      after(async () => cluster?.stop());

      for (const name of SCENARIOS) {
        it(name, async () => {
          const { json } = await scenarioInProcess(name, cluster.s.kubeconfig);
          expect(jsonVerdicts(json)).to.deep.equal(jsonExpected(json, cni));
          expect(await cluster.residue(), "left on the stand-in and in the lab").to.deep.equal([]);
        });
      }
    });
  }

  describe("three-tier as a user runs it: npm run scenario three-tier -- --kubeconfig <the stand-in's>", () => {
    let cluster: StandInLab;
    before(async () => {
      cluster = await standInOnLab({ enforce: true });
    });
    after(async () => cluster?.stop());

    it("passes every cell (externals unserved: inconclusive), in namespaces of its own, each pod's node named, and removes them", async () => {
      const child = scenarioChild(["three-tier", "--kubeconfig", cluster.s.kubeconfig, "--format", "json", ...FAST]);
      const code = await exitOf(child);
      const json = JSON.parse(child.output.stdout) as LiveJson;
      expect(jsonVerdicts(json)).to.deep.equal(jsonExpected(json, "conformant"));
      expect(Object.values(jsonVerdicts(json)).filter((v) => v === "pass").length).to.be.greaterThan(10);
      expect(code, child.output.stderr).to.equal(0);
      // The context it used, said at the start.
      expect(child.output.stderr.split("\n")[0]).to.match(/^netproof: kubeconfig \S+, context lab \(the file's current context\), server http:\/\/127\.0\.0\.1:\d+/);
      // Run-unique namespaces; the report keeps the scenario's names and says the real ones.
      const runId = /run (np-[0-9a-f]{6});/.exec(child.output.stderr)?.[1];
      expect(runId).to.be.a("string");
      expect(json.pods.map((p) => [p.workload, `${p.namespace}/${p.name}`, p.node])).to.deep.equal([
        ["shop/web", `${runId}-shop/web`, "lab"],
        ["shop/api", `${runId}-shop/api`, "lab"],
        ["shop/db", `${runId}-shop/db`, "lab"],
        ["monitoring/prober", `${runId}-monitoring/prober`, "lab"],
      ]);
      expect(json.phases[0]?.cells.map((c) => c.from)).to.include("shop/web");
      expect(await cluster.residue()).to.deep.equal([]);
    });

    it("selectors on kubernetes.io/metadata.name follow the renamed namespaces: a policy that admits only namespace monitoring still admits it", async () => {
      // prober (monitoring) -> api is allowed only by a namespaceSelector on kubernetes.io/metadata.name.
      const dir = mkdtempSync(join(tmpdir(), "netproof-e2e-"));
      try {
        const file = join(dir, "by-name.yaml");
        writeFileSync(file, BY_NAME);
        const { json } = await scenarioInProcess(file, cluster.s.kubeconfig);
        const cells = Object.fromEntries(json.phases[0]!.cells.map((c) => [c.key, [c.predicted, c.observed.outcome, c.verdict]]));
        expect(cells).to.deep.equal({
          "monitoring/prober -> shop/api:8080/TCP": ["allow", "connected", "pass"],
          "other/prober -> shop/api:8080/TCP": ["deny", "timeout", "pass"],
        });
        expect(json.pods.every((p) => p.namespace.startsWith("np-"))).to.equal(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("a CNI that gets two cells wrong", () => {
    let cluster: StandInLab;
    before(async () => {
      cluster = await standInOnLab({
        enforce: true,
        // Lets web reach db (denied), and drops web -> api (allowed).
        deviate: (faults) => {
          const web = faults.find((f) => f.from?.endsWith("-shop/web"))?.from;
          const kept = faults.filter((f) => !(f.from === web && f.to.endsWith("-shop/db") && f.port === 5432));
          return web ? [...kept, { from: web, to: web.replace(/\/web$/, "/api"), port: 8080, protocol: "tcp", action: "drop" }] : kept;
        },
      });
    });
    after(async () => cluster?.stop());

    it("exactly those two cells fail, exit 1", async () => {
      const { code, json } = await scenarioInProcess("three-tier", cluster.s.kubeconfig);
      const expected = jsonExpected(json, "conformant");
      const wrong = Object.entries(jsonVerdicts(json)).filter(([cell, v]) => v !== expected[cell]);
      expect(wrong).to.deep.equal([
        ["initial: shop/web -> shop/api:8080/TCP", "cni-mismatch"],
        ["initial: shop/web -> shop/db:5432/TCP", "cni-mismatch"],
      ]);
      expect(code).to.equal(1);
    });
  });

  describe("Ctrl-C and bad kubeconfigs", () => {
    let cluster: StandInLab;
    before(async () => {
      cluster = await standInOnLab();
    });
    after(async () => cluster?.stop());

    it("Ctrl-C mid-run: exit 130, no namespace left on the stand-in, nothing left in the lab", async () => {
      const child = scenarioChild(["three-tier", "--kubeconfig", cluster.s.kubeconfig, "--observe", "60000"], { via: "node" });
      await new Promise<void>((resolve, reject) => {
        const check = () => (/probing, round \d+/.test(child.output.stderr) ? resolve() : undefined);
        child.stderr!.on("data", check);
        child.once("exit", () => reject(new Error(`the run ended before probing:\n${child.output.stderr}`)));
      });
      expect(await cluster.residue()).to.not.deep.equal([]);
      // A terminal's Ctrl-C goes to the whole foreground process group.
      process.kill(-child.pid!, "SIGINT");
      expect(await exitOf(child), child.output.stderr).to.equal(130);
      expect(child.output.stderr).to.include("removing what this run created");
      expect(await cluster.residue()).to.deep.equal([]);
    });

    const dead = (dir: string) => {
      const file = join(dir, "dead.kubeconfig");
      writeFileSync(file, DEAD_KUBECONFIG);
      return file;
    };
    for (const [what, args, message] of [
      ["a kubeconfig naming a dead server", (f: string) => ["--kubeconfig", f], /cannot reach the API server of context "dead" \(server https:\/\/127\.0\.0\.1:9\): connect ECONNREFUSED/],
      ["a context that does not exist", (f: string) => ["--kubeconfig", f, "--context", "nope"], /contexts: the kubeconfig has no context named "nope"\n {2}hint: contexts in the file: dead/],
    ] as const) {
      it(`${what}: a clear message within seconds, no stack, exit 2`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "netproof-e2e-"));
        try {
          const child = scenarioChild(["three-tier", ...args(dead(dir))]);
          const code = await exitOf(child);
          expect(child.output.stderr).to.match(message);
          expect(child.output.stderr).to.include("--plan").and.not.match(/^\s+at /m);
          expect(code).to.equal(2);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
});

const DEAD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:9" } }]
contexts: [{ name: dead, context: { cluster: c, user: u } }]
users: [{ name: u, user: { token: t } }]
current-context: dead
`;

const BY_NAME = `description: api admits the namespace called monitoring, by kubernetes.io/metadata.name
namespaces:
  shop: {}
  monitoring: {}
  other: {}
workloads:
  shop/api: { labels: { app: api }, ports: [8080/tcp] }
  monitoring/prober: { labels: { app: prober } }
  other/prober: { labels: { app: prober } }
manifests:
  - inline:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: api-from-monitoring, namespace: shop }
      spec:
        podSelector: { matchLabels: { app: api } }
        policyTypes: [Ingress]
        ingress:
          - from:
              - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }
expect:
  default: deny
  allow:
    - monitoring/prober -> api:8080
`;
