import { expect } from "chai";
import { cell, declared, lineOf, load, phase, problem, SHOP } from "./helpers.ts";

describe("scenario expansion", () => {
  describe("the matrix", () => {
    it("has every managed pair on each of the target's ports, without hairpin", () => {
      const plan = load(SHOP);
      const keys = phase(plan).cells.map((c) => c.key);
      expect(keys).to.deep.equal([
        "shop/web -> shop/api:8080/TCP",
        "shop/web -> shop/db:5432/TCP",
        "shop/api -> shop/web:80/TCP",
        "shop/api -> shop/db:5432/TCP",
        "shop/db -> shop/web:80/TCP",
        "shop/db -> shop/api:8080/TCP",
      ]);
      const c = cell(plan, "shop/web -> shop/api:8080/TCP");
      expect(c).to.deep.include({ from: "shop/web", to: { kind: "workload", workload: "shop/api" }, port: 8080, protocol: "TCP", kind: "tcp" });
    });

    it("leaves every cell to the oracle when nothing is expected", () => {
      const plan = load(SHOP);
      expect(phase(plan).cells.every((c) => c.declared.kind === "oracle")).to.equal(true);
    });

    it("probes udp and sctp ports with the matching kind", () => {
      const plan = load(SHOP.replace("ports: [5432]", 'ports: [5432, "53/udp", { port: 9000, protocol: sctp }]'));
      expect(cell(plan, "shop/web -> shop/db:53/UDP").kind).to.equal("udp");
      expect(cell(plan, "shop/web -> shop/db:9000/SCTP").kind).to.equal("sctp");
    });
  });

  describe("cluster DNS", () => {
    it("is an unmanaged kube-system/coredns outside the matrix", () => {
      const plan = load(SHOP);
      expect(plan.clusterDns).to.equal("kube-system/coredns");
      const dns = phase(plan).workloads.find((w) => w.id === "kube-system/coredns");
      expect(dns).to.deep.include({ managed: false, labels: { "k8s-app": "kube-dns" } });
      expect(dns?.ports).to.deep.equal([
        { port: 53, protocol: "UDP", name: "dns" },
        { port: 53, protocol: "TCP", name: "dns-tcp" },
        { port: 9153, protocol: "TCP", name: "metrics" },
      ]);
      expect(phase(plan).namespaces.find((n) => n.name === "kube-system")).to.deep.equal({
        name: "kube-system",
        labels: { "kubernetes.io/metadata.name": "kube-system" },
        managed: false,
      });
      expect(phase(plan).cells.some((c) => c.key.includes("coredns"))).to.equal(false);
    });

    it("can be a statement target, by named port with its own protocol", () => {
      const text = `${SHOP}expect:\n  allow:\n    - web -> coredns:dns\n`;
      const c = cell(load(text), "shop/web -> kube-system/coredns:dns/UDP");
      expect(c).to.deep.include({ port: "dns", protocol: "UDP", kind: "udp" });
      expect(c.declared).to.deep.equal({ kind: "allow", at: { file: "scenarios/test.yaml", line: lineOf(text, "coredns:dns"), column: 7 } });
    });

    it("without a port covers each of its served ports", () => {
      const plan = load(`${SHOP}expect:\n  deny:\n    - "* -> kube-system/coredns"\n`);
      const keys = phase(plan).cells.filter((c) => c.key.startsWith("shop/web -> kube-system")).map((c) => c.key);
      expect(keys).to.deep.equal([
        "shop/web -> kube-system/coredns:53/UDP",
        "shop/web -> kube-system/coredns:53/TCP",
        "shop/web -> kube-system/coredns:9153/TCP",
      ]);
    });
  });

  describe("namespaces", () => {
    it("carry kubernetes.io/metadata.name", () => {
      const shop = phase(load(SHOP)).namespaces.find((n) => n.name === "shop");
      expect(shop).to.deep.equal({ name: "shop", labels: { team: "shop", "kubernetes.io/metadata.name": "shop" }, managed: true });
    });
  });

  describe("planned IPs", () => {
    it("are deterministic: coredns 10.42.0.10, then workloads in declaration order", () => {
      expect(load(SHOP).plannedIps).to.deep.equal({
        "kube-system/coredns": "10.42.0.10",
        "shop/web": "10.42.1.1",
        "shop/api": "10.42.1.2",
        "shop/db": "10.42.1.3",
      });
      expect(load(SHOP).plannedIps).to.deep.equal(load(SHOP).plannedIps);
    });
  });

  describe("statements", () => {
    it("short and full names, with and without protocol, declare the matrix cell", () => {
      const text = `${SHOP}expect:\n  allow:\n    - web -> api:8080/tcp\n    - shop/api -> shop/db:5432\n`;
      const plan = load(text);
      expect(declared(plan, "shop/web -> shop/api:8080/TCP")).to.equal(`allow@${lineOf(text, "web -> api:8080")}`);
      expect(declared(plan, "shop/api -> shop/db:5432/TCP")).to.equal(`allow@${lineOf(text, "shop/api -> shop/db")}`);
      expect(declared(plan, "shop/db -> shop/web:80/TCP")).to.equal("oracle");
    });

    it("groups: * and <namespace>/* cover every member", () => {
      const text = `${SHOP}expect:\n  allow:\n    - "* -> shop/web:80"\n  deny:\n    - "shop/* -> db"\n`;
      const plan = load(text);
      expect(declared(plan, "shop/api -> shop/web:80/TCP")).to.equal(`allow@${lineOf(text, "* -> shop/web")}`);
      expect(declared(plan, "shop/db -> shop/web:80/TCP")).to.equal(`allow@${lineOf(text, "* -> shop/web")}`);
      expect(declared(plan, "shop/web -> shop/db:5432/TCP")).to.equal(`deny@${lineOf(text, "shop/* -> db")}`);
      expect(declared(plan, "shop/api -> shop/db:5432/TCP")).to.equal(`deny@${lineOf(text, "shop/* -> db")}`);
    });

    it("a statement without a port covers every served port of the target", () => {
      const text = SHOP.replace("ports: [5432]", "ports: [5432, 5433]") + "expect:\n  deny:\n    - web -> db\n";
      const plan = load(text);
      expect(declared(plan, "shop/web -> shop/db:5432/TCP")).to.equal(`deny@${lineOf(text, "web -> db")}`);
      expect(declared(plan, "shop/web -> shop/db:5433/TCP")).to.equal(`deny@${lineOf(text, "web -> db")}`);
    });

    it("dns: a cell probing the name through cluster DNS", () => {
      const c = cell(load(`${SHOP}expect:\n  allow:\n    - web -> dns:kubernetes.default.svc.cluster.local\n`), "shop/web -> dns:kubernetes.default.svc.cluster.local");
      expect(c).to.deep.include({ from: "shop/web", to: { kind: "dns", name: "kubernetes.default.svc.cluster.local" }, kind: "dns", port: 53, protocol: "UDP" });
      expect(c.declared.kind).to.equal("allow");
    });

    it("external by name and by address are the same cell, keyed by address", () => {
      const text = `${SHOP}expect:\n  allow:\n    - api -> external:payments:443/tcp\n    - web -> 203.0.113.10:443\n    - web -> "[2001:db8:0::1]:443/udp"\n`.replace('web -> "[2001:db8:0::1]:443/udp"', '"web -> [2001:db8:0::1]:443/udp"');
      const plan = load(text);
      expect(cell(plan, "shop/api -> external:203.0.113.10:443/TCP")).to.deep.include({
        to: { kind: "external", address: "203.0.113.10", host: "payments" },
        port: 443,
        kind: "tcp",
      });
      expect(cell(plan, "shop/web -> external:203.0.113.10:443/TCP").to).to.deep.equal({ kind: "external", address: "203.0.113.10", host: "payments" });
      expect(cell(plan, "shop/web -> external:[2001:db8::1]:443/UDP")).to.deep.include({ kind: "udp", to: { kind: "external", address: "2001:db8::1", host: "v6" } });
    });

    it("service: the ClusterIP Service, a named port stays a name", () => {
      const plan = load(`${SHOP}expect:\n  allow:\n    - web -> service:api:http\n    - db -> service:api\n`);
      expect(cell(plan, "shop/web -> service:shop/api:http/TCP")).to.deep.include({ to: { kind: "service", workload: "shop/api" }, port: "http", protocol: "TCP", kind: "tcp" });
      expect(cell(plan, "shop/db -> service:shop/api:8080/TCP").port).to.equal(8080);
    });

    it("named ports on a workload are their own cell next to the numeric matrix cell", () => {
      const plan = load(`${SHOP}expect:\n  deny:\n    - web -> api:http\n`);
      expect(cell(plan, "shop/web -> shop/api:http/TCP").declared.kind).to.equal("deny");
      expect(cell(plan, "shop/web -> shop/api:8080/TCP").declared.kind).to.equal("oracle");
    });

    it("http: method, path and status; GET / by default", () => {
      const plan = load(`${SHOP}expect:\n  allow:\n    - web -> api:8080/http GET /healthz 200\n    - db -> api:8080/http\n`);
      expect(cell(plan, "shop/web -> shop/api:8080/TCP http GET /healthz")).to.deep.include({
        kind: "http",
        protocol: "TCP",
        port: 8080,
        http: { method: "GET", path: "/healthz", status: 200 },
      });
      expect(cell(plan, "shop/db -> shop/api:8080/TCP http GET /").http).to.deep.equal({ method: "GET", path: "/" });
    });

    it("a port the target does not serve is probed, with a warning", () => {
      const text = `${SHOP}expect:\n  deny:\n    - web -> db:9999\n`;
      const plan = load(text);
      expect(cell(plan, "shop/web -> shop/db:9999/TCP").declared.kind).to.equal("deny");
      expect(plan.warnings.map((w) => [w.at.line, w.message])).to.deep.equal([[lineOf(text, "db:9999"), "shop/db does not serve 9999/TCP (its ports: 5432/TCP)"]]);
    });
  });

  it("two statements expecting different HTTP statuses for one cell are an error", () => {
    const text = `${SHOP}expect:\n  allow:\n    - web -> api:8080/http GET /x 200\n    - shop/web -> api:8080/http GET /x 404\n`;
    const p = problem(text);
    expect(p.line).to.equal(lineOf(text, "404"));
    expect(p.message).to.contain("expects HTTP 404").and.contain(`(line ${lineOf(text, "/x 200")}) expects 200`);
  });

  describe("defaults", () => {
    it("default deny applies to matrix cells no statement covers, at the default's line", () => {
      const text = `${SHOP}expect:\n  default: deny\n  allow:\n    - web -> api\n`;
      const plan = load(text);
      expect(declared(plan, "shop/web -> shop/api:8080/TCP")).to.equal(`allow@${lineOf(text, "web -> api")}`);
      expect(declared(plan, "shop/db -> shop/web:80/TCP")).to.equal(`deny@${lineOf(text, "default: deny")}`);
    });

    it("default allow and as-predicted", () => {
      expect(declared(load(`${SHOP}expect:\n  default: allow\n`), "shop/db -> shop/web:80/TCP")).to.match(/^allow@/);
      expect(declared(load(`${SHOP}expect:\n  default: as-predicted\n`), "shop/db -> shop/web:80/TCP")).to.equal("oracle");
    });
  });

  describe("precedence", () => {
    it("a named workload beats a namespace group beats *", () => {
      const text = `${SHOP}expect:\n  allow:\n    - "* -> *"\n    - web -> db\n  deny:\n    - "shop/* -> db"\n`;
      const plan = load(text);
      expect(declared(plan, "shop/web -> shop/db:5432/TCP")).to.equal(`allow@${lineOf(text, "web -> db")}`);
      expect(declared(plan, "shop/api -> shop/db:5432/TCP")).to.equal(`deny@${lineOf(text, "shop/* -> db")}`);
      expect(declared(plan, "shop/api -> shop/web:80/TCP")).to.equal(`allow@${lineOf(text, '"* -> *"')}`);
    });

    it("a named port beats every port", () => {
      const text = `${SHOP}expect:\n  deny:\n    - web -> api\n  allow:\n    - web -> api:8080\n`;
      expect(declared(load(text), "shop/web -> shop/api:8080/TCP")).to.equal(`allow@${lineOf(text, "web -> api:8080")}`);
    });

    it("two equally specific statements that disagree are an error naming both lines", () => {
      const text = `${SHOP}expect:\n  allow:\n    - web -> api\n  deny:\n    - shop/web -> shop/api\n`;
      const p = problem(text);
      expect(p.line).to.equal(lineOf(text, "web -> api"));
      expect(p.message).to.contain(`(line ${lineOf(text, "web -> api")})`).and.contain(`(line ${lineOf(text, "shop/web -> shop/api")})`);
      expect(p.message).to.contain("shop/web -> shop/api:8080/TCP").and.contain("equally specific");
    });

    it("statements more specific on different sides that disagree are an error", () => {
      const text = `${SHOP}expect:\n  allow:\n    - web -> "*"\n  deny:\n    - "* -> api"\n`.replace('web -> "*"', '"web -> *"');
      expect(problem(text).message).to.contain("neither is more specific");
    });

    it("equally specific statements that agree are fine", () => {
      const plan = load(`${SHOP}expect:\n  allow:\n    - web -> api\n    - shop/web -> shop/api\n`);
      expect(declared(plan, "shop/web -> shop/api:8080/TCP")).to.match(/^allow@/);
    });
  });

  describe("matrix form", () => {
    const table = `${SHOP}expect:
  matrix:
    - port: 8080/tcp
      table: |
        from\\to  web  api  db
        web       X    .    X
        api       X    .    X
        db        X    ?    X
`;
    it("declares each cell with the row's line; ? is as-predicted", () => {
      const plan = load(table);
      expect(declared(plan, "shop/web -> shop/api:8080/TCP")).to.equal(`allow@${lineOf(table, "web       X")}`);
      expect(declared(plan, "shop/db -> shop/api:8080/TCP")).to.equal("oracle");
    });

    it("cells on a port the column does not serve become probes of that port", () => {
      expect(declared(load(table), "shop/api -> shop/web:8080/TCP")).to.equal(`deny@${lineOf(table, "api       X")}`);
    });

    it("- marks no statement: the cell keeps its other statements or the default", () => {
      const t = table.replace("expect:\n", "expect:\n  default: deny\n").replace("web       X    .    X", "web       -    -    X");
      expect(declared(load(t), "shop/web -> shop/api:8080/TCP")).to.equal(`deny@${lineOf(t, "default: deny")}`);
    });

    it("a bad mark is an error at its row", () => {
      const bad = table.replace("db        X    ?    X", "db        X    !    X");
      const p = problem(bad);
      expect(p.line).to.equal(lineOf(bad, "db        X"));
      expect(p.message).to.contain('"!"');
    });

    it("an unknown workload in a row is an error at its row", () => {
      const bad = table.replace("api       X    .    X", "apx       X    .    X");
      const p = problem(bad);
      expect(p.line).to.equal(lineOf(bad, "apx"));
      expect(p.message).to.equal('unknown workload "apx"');
      expect(p.hint).to.contain('did you mean "api"?');
    });
  });

  describe("steps", () => {
    const text = `${SHOP}manifests:
  - inline:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny-all, namespace: shop }
      spec: { podSelector: {} }
expect:
  default: deny
  allow:
    - web -> api
steps:
  - name: open-db
    description: api may reach db
    namespaces: { shop: { labels: { team: shop, env: prod } } }
    workloads: { api: { labels: { app: api, v: "2" } } }
    manifests:
      add:
        - inline:
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: { name: allow-db, namespace: shop }
            spec: { podSelector: { matchLabels: { app: db } }, ingress: [{}] }
    expect:
      allow:
        - api -> db
  - name: close-all
    manifests:
      delete: [NetworkPolicy/shop/allow-db]
    expect:
      default: allow
      deny:
        - "* -> *"
`;
    it("phases are initial then each step, in order, with descriptions", () => {
      const plan = load(text);
      expect(plan.phases.map((p) => p.name)).to.deep.equal(["initial", "open-db", "close-all"]);
      expect(phase(plan, "open-db").description).to.equal("api may reach db");
    });

    it("labels change cumulatively", () => {
      const plan = load(text);
      expect(phase(plan, "close-all").namespaces.find((n) => n.name === "shop")?.labels).to.deep.equal({
        team: "shop",
        env: "prod",
        "kubernetes.io/metadata.name": "shop",
      });
      expect(phase(plan, "close-all").workloads.find((w) => w.id === "shop/api")?.labels).to.deep.equal({ app: "api", v: "2" });
      expect(phase(plan, "initial").workloads.find((w) => w.id === "shop/api")?.labels).to.deep.equal({ app: "api" });
    });

    it("manifests change cumulatively", () => {
      const plan = load(text);
      expect(phase(plan, "initial").manifests.map((m) => m.id)).to.deep.equal(["NetworkPolicy/shop/deny-all"]);
      expect(phase(plan, "open-db").manifests.map((m) => m.id)).to.deep.equal(["NetworkPolicy/shop/deny-all", "NetworkPolicy/shop/allow-db"]);
      expect(phase(plan, "close-all").manifests.map((m) => m.id)).to.deep.equal(["NetworkPolicy/shop/deny-all"]);
    });

    it("declared values carry over and the step's statements override them", () => {
      const plan = load(text);
      expect(declared(plan, "shop/api -> shop/db:5432/TCP", "initial")).to.equal(`deny@${lineOf(text, "default: deny")}`);
      expect(declared(plan, "shop/api -> shop/db:5432/TCP", "open-db")).to.equal(`allow@${lineOf(text, "- api -> db")}`);
      expect(declared(plan, "shop/web -> shop/api:8080/TCP", "open-db")).to.equal(`allow@${lineOf(text, "- web -> api")}`);
      // A later step's group statement overrides an earlier step's specific one.
      expect(declared(plan, "shop/web -> shop/api:8080/TCP", "close-all")).to.equal(`deny@${lineOf(text, '"* -> *"')}`);
    });

    it("a step's default applies only to cells no statement of any phase covered", () => {
      const t = `${SHOP}expect:\n  default: deny\n  allow:\n    - web -> api\nsteps:\n  - name: later\n    expect:\n      default: allow\n`;
      const plan = load(t);
      expect(declared(plan, "shop/db -> shop/web:80/TCP", "initial")).to.equal(`deny@${lineOf(t, "default: deny")}`);
      expect(declared(plan, "shop/db -> shop/web:80/TCP", "later")).to.equal(`allow@${lineOf(t, "default: allow")}`);
      expect(declared(plan, "shop/web -> shop/api:8080/TCP", "later")).to.equal(`allow@${lineOf(t, "web -> api")}`);
    });

    it("cells a step names appear from that step on", () => {
      const t = `${SHOP}steps:\n  - name: later\n    expect:\n      allow:\n        - web -> dns:example.com\n`;
      const plan = load(t);
      expect(phase(plan, "initial").cells.some((c) => c.key === "shop/web -> dns:example.com")).to.equal(false);
      expect(cell(plan, "shop/web -> dns:example.com", "later").declared.kind).to.equal("allow");
    });
  });

  describe("the scenario header", () => {
    it("name defaults to the file name; mistake is carried", () => {
      const plan = load(`${SHOP}mistake: forgets DNS egress\n`);
      expect(plan.scenario).to.deep.equal({ name: "test", description: "test scenario", file: "scenarios/test.yaml", demonstratesMistake: "forgets DNS egress" });
      expect(load(`name: custom\n${SHOP}`).scenario.name).to.equal("custom");
    });
  });
});
