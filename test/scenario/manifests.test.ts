import { expect } from "chai";
import { renderManifest } from "../../src/scenario/render.ts";
import { FILE, lineOf, load, phase, problem, problems, SHOP } from "./helpers.ts";

const policyFile = (spec: string, name = "p", namespace = "shop"): string =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n${spec}`;

const withFile = (file = "policies/p.yaml"): string => `${SHOP}manifests:\n  - ${file}\n`;
const POLICY = "scenarios/policies/p.yaml";

describe("scenario manifests", () => {
  it("reads files relative to the scenario, several documents each, in order", () => {
    const text = policyFile("  podSelector: {}\n", "a") + "\n---\n" + policyFile("  podSelector: {}\n", "b") + "\n---\n";
    const plan = load(withFile(), { [POLICY]: text });
    const manifests = phase(plan).manifests;
    expect(manifests.map((m) => m.id)).to.deep.equal(["NetworkPolicy/shop/a", "NetworkPolicy/shop/b"]);
    expect(manifests.map((m) => m.origin)).to.deep.equal([
      { file: POLICY, line: 1, column: 1 },
      { file: POLICY, line: lineOf(text, "apiVersion", 2), column: 1 },
    ]);
  });

  it("passes other kinds through with the basic checks; cluster-scoped ids have no namespace", () => {
    const text = `${SHOP}manifests:\n  - inline:\n      - { apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: { name: deny }, spec: { anything: [1] } }\n      - { apiVersion: projectcalico.org/v3, kind: NetworkPolicy, metadata: { name: x, namespace: shop }, spec: { order: 10 } }\n`;
    expect(phase(load(text)).manifests.map((m) => m.id)).to.deep.equal(["GlobalNetworkPolicy/deny", "NetworkPolicy/shop/x"]);
  });

  it("a manifest file that does not exist, at the entry's line", () => {
    const text = withFile("policies/missing.yaml");
    const p = problem(text);
    expect(p).to.deep.include({ file: FILE, line: lineOf(text, "missing.yaml"), field: "manifests[0]", message: "manifest file not found: scenarios/policies/missing.yaml" });
  });

  it("a manifest file that does not parse, at its own file and line", () => {
    const p = problem(withFile(), { [POLICY]: "apiVersion: v1\nkind: [unclosed\n" });
    expect(p.file).to.equal(POLICY);
    expect(p.message).to.match(/^YAML: /);
  });

  it("a manifest without kind or metadata.name", () => {
    const list = problems(withFile(), { [POLICY]: "apiVersion: v1\nmetadata:\n  namespace: shop\n" });
    expect(list.map((p) => [p.file, p.line, p.field, p.message])).to.deep.equal([
      [POLICY, 1, "kind", "kind is required (a string)"],
      [POLICY, 2, "metadata.name", "metadata.name is required (a string)"],
    ]);
  });

  it("two manifests with the same kind/namespace/name", () => {
    const text = `${SHOP}manifests:\n  - policies/p.yaml\n  - inline: { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: p, namespace: shop }, spec: { podSelector: {} } }\n`;
    const p = problem(text, { [POLICY]: policyFile("  podSelector: {}\n") });
    expect(p).to.deep.include({ file: FILE, line: lineOf(text, "inline:") });
    expect(p.message).to.equal(`duplicate manifest NetworkPolicy/shop/p: already defined at ${POLICY}:1`);
  });

  it("a NetworkPolicy in an undeclared namespace", () => {
    const p = problem(withFile(), { [POLICY]: policyFile("  podSelector: {}\n", "p", "shpo") });
    expect(p).to.deep.include({ file: POLICY, line: 5, field: "metadata.namespace" });
    expect(p.hint).to.equal('did you mean "shop"?');
  });

  describe("numbers and booleans read as kubectl reads them (YAML 1.1), not as YAML 1.2", () => {
    const portOf = (port: string): unknown => {
      const plan = load(withFile(), { [POLICY]: policyFile(`  podSelector: {}\n  ingress:\n    - ports:\n        - port: ${port}\n`) });
      const spec = phase(plan).manifests[0]?.object.spec as { ingress: { ports: { port: unknown }[] }[] };
      return spec.ingress[0]?.ports[0]?.port;
    };

    it("0x50 is 80 to both", () => expect(portOf("0x50")).to.equal(80));
    it("0755 is octal 493 to kubectl (YAML 1.2: 755)", () => expect(portOf("0755")).to.equal(493));
    it("0b1010000 is 80 to kubectl (YAML 1.2: a port name)", () => expect(portOf("0b1010000")).to.equal(80));
    it("8_080 is 8080 to kubectl (YAML 1.2: a port name)", () => expect(portOf("8_080")).to.equal(8080));
    it('a quoted "0755" stays a port name, and is refused as one', () => {
      const p = problem(withFile(), { [POLICY]: policyFile('  podSelector: {}\n  ingress:\n    - ports:\n        - port: "0755"\n') });
      expect(p.message).to.equal('Invalid value: "0755": must contain at least one letter (a-z)');
    });

    it("a label value yes is the boolean true to kubectl: refused, with the hint to quote it", () => {
      const text = policyFile("  podSelector:\n    matchLabels:\n      enabled: yes\n");
      const p = problem(withFile(), { [POLICY]: text });
      expect(p).to.deep.include({ file: POLICY, line: lineOf(text, "enabled"), field: "spec.podSelector.matchLabels.enabled", message: "cannot decode the boolean true as a string" });
      expect(p.hint).to.equal('kubectl reads yes as true (YAML 1.1); quote it ("yes") to keep the text');
    });

    it("port: on is a boolean to kubectl", () => {
      const p = problem(withFile(), { [POLICY]: policyFile("  podSelector: {}\n  ingress:\n    - ports:\n        - port: on\n") });
      expect(p.message).to.equal("cannot decode the boolean true as a whole number or a string");
      expect(p.hint).to.match(/kubectl reads on as true/);
    });

    it('a quoted "yes" is the string yes to both', () => {
      const plan = load(withFile(), { [POLICY]: policyFile('  podSelector:\n    matchLabels:\n      enabled: "yes"\n') });
      expect((phase(plan).manifests[0]?.object.spec as { podSelector: unknown }).podSelector).to.deep.equal({ matchLabels: { enabled: "yes" } });
    });

    it("a key on is the text true to kubectl", () => {
      const plan = load(withFile(), { [POLICY]: policyFile("  podSelector:\n    matchLabels:\n      on: x\n") });
      expect((phase(plan).manifests[0]?.object.spec as { podSelector: unknown }).podSelector).to.deep.equal({ matchLabels: { true: "x" } });
    });

    it("a date label value is a timestamp to kubectl, and no valid label value", () => {
      const p = problem(withFile(), { [POLICY]: policyFile("  podSelector:\n    matchLabels:\n      since: 2024-01-05\n") });
      expect(p.message).to.match(/^Invalid value: "2024-01-05T00:00:00Z": a valid label must be/);
      expect(p.hint).to.match(/kubectl reads 2024-01-05 as "2024-01-05T00:00:00Z"/);
    });
  });

  describe("documents netproof does not model give a warning naming them", () => {
    const warningsOf = (doc: string): string[] => load(withFile(), { [POLICY]: doc }).warnings.map((w) => `${w.at.file}:${w.at.line}: ${w.message}`);

    it("an old apiVersion of NetworkPolicy", () => {
      const [w] = warningsOf("apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: { name: old, namespace: shop }\nspec: {}\n");
      expect(w).to.match(/^scenarios\/policies\/p.yaml:1: NetworkPolicy\/shop\/old: extensions\/v1beta1 NetworkPolicy is not served/);
    });

    it("a mistyped kind, in the second document of a file", () => {
      const doc = policyFile("  podSelector: {}\n") + "\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicies\nmetadata: { name: typo, namespace: shop }\nspec: {}\n";
      const [w] = warningsOf(doc);
      expect(w).to.match(/^scenarios\/policies\/p.yaml:10: NetworkPolicies\/shop\/typo: kind "NetworkPolicies" does not exist in networking.k8s.io\/v1 \(did you mean NetworkPolicy\?\)/);
    });

    it("Calico and Cilium policies", () => {
      const doc = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny }\nspec: {}\n---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: { name: c, namespace: shop }\nspec: {}\n";
      const list = warningsOf(doc);
      expect(list).to.have.length(2);
      expect(list[0]).to.match(/:1: GlobalNetworkPolicy\/deny: Calico GlobalNetworkPolicy is not modelled/);
      expect(list[1]).to.match(/:6: CiliumNetworkPolicy\/shop\/c: Cilium CiliumNetworkPolicy is not modelled/);
    });

    it("metadata of any object is validated as the API server does", () => {
      const p = problem(withFile(), { [POLICY]: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: shop\n" });
      expect(p).to.deep.include({ file: POLICY, line: 4, field: "metadata.name" });
      expect(p.message).to.match(/^Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    });
  });

  it("a NetworkPolicy in kube-system is fine", () => {
    expect(phase(load(withFile(), { [POLICY]: policyFile("  podSelector: {}\n", "p", "kube-system") })).manifests).to.have.length(1);
  });

  describe("NetworkPolicy validation, at the exact file:line:field", () => {
    const cases: { name: string; spec: string; needle: string; field: string; message: string }[] = [
      {
        name: "a bad CIDR in ipBlock",
        spec: "  podSelector: {}\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 10.0.0.0/33\n",
        needle: "cidr:",
        field: "spec.ingress[0].from[0].ipBlock.cidr",
        message: 'Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      },
      {
        name: "except outside cidr",
        spec: "  podSelector: {}\n  egress:\n    - to:\n        - ipBlock:\n            cidr: 10.0.0.0/8\n            except:\n              - 192.168.0.0/16\n",
        needle: "192.168",
        field: "spec.egress[0].to[0].ipBlock.except[0]",
        message: 'Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
      },
      {
        name: "a port out of range",
        spec: "  podSelector: {}\n  ingress:\n    - ports:\n        - port: 70000\n",
        needle: "70000",
        field: "spec.ingress[0].ports[0].port",
        message: "Invalid value: 70000: must be between 1 and 65535, inclusive",
      },
      {
        name: "endPort without port",
        spec: "  podSelector: {}\n  ingress:\n    - ports:\n        - endPort: 90\n",
        needle: "endPort",
        field: "spec.ingress[0].ports[0].endPort",
        message: "Invalid value: 90: may not be specified when `port` is not specified",
      },
      {
        name: "endPort less than port",
        spec: "  podSelector: {}\n  ingress:\n    - ports:\n        - port: 100\n          endPort: 90\n",
        needle: "endPort",
        field: "spec.ingress[0].ports[0].endPort",
        message: "Invalid value: 90: must be greater than or equal to `port`",
      },
      {
        name: "an unknown operator",
        spec: "  podSelector:\n    matchExpressions:\n      - { key: app, operator: Equals, values: [web] }\n",
        needle: "Equals",
        field: "spec.podSelector.matchExpressions[0].operator",
        message: 'Invalid value: "Equals": not a valid selector operator',
      },
      {
        name: "values with Exists",
        spec: "  podSelector:\n    matchExpressions:\n      - key: app\n        operator: Exists\n        values: [web]\n",
        needle: "values",
        field: "spec.podSelector.matchExpressions[0].values",
        message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      },
      {
        name: "a lower-case protocol",
        spec: "  podSelector: {}\n  ingress:\n    - ports:\n        - protocol: tcp\n",
        needle: "protocol",
        field: "spec.ingress[0].ports[0].protocol",
        message: 'Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"',
      },
      {
        name: "ipBlock with a selector in one peer",
        spec: "  podSelector: {}\n  ingress:\n    - from:\n        - podSelector: {}\n          ipBlock: { cidr: 10.0.0.0/8 }\n",
        needle: "- podSelector",
        field: "spec.ingress[0].from[0]",
        message: "Forbidden: may not specify both ipBlock and another peer",
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const text = policyFile(c.spec);
        const p = problem(withFile(), { [POLICY]: text });
        expect(p).to.deep.include({ file: POLICY, line: lineOf(text, c.needle), field: c.field });
        expect(p.message).to.contain(c.message);
      });
    }

    it("an unknown field, with a did-you-mean", () => {
      const text = policyFile("  podSelector: {}\n  ingres: []\n");
      const p = problem(withFile(), { [POLICY]: text });
      expect(p).to.deep.include({ file: POLICY, line: 8, field: "spec.ingres", message: 'unknown field "spec.ingres"' });
      expect(p.hint).to.match(/^did you mean "ingress"\?/);
    });

    it("inline documents report scenario lines and a manifests[...] field", () => {
      const text = `${SHOP}manifests:\n  - inline:\n      apiVersion: networking.k8s.io/v1\n      kind: NetworkPolicy\n      metadata: { name: p, namespace: shop }\n      spec:\n        podSelector: {}\n        egress:\n          - ports: [{ port: 0 }]\n`;
      const p = problem(text);
      expect(p).to.deep.include({ file: FILE, line: lineOf(text, "port: 0"), field: "manifests[0].inline.spec.egress[0].ports[0].port" });
    });
  });

  describe("templates", () => {
    const spec = '  podSelector: { matchLabels: { app: db } }\n  ingress:\n    - from:\n        - ipBlock: { cidr: "{{ ip shop/api }}/32" }\n        - ipBlock: { cidr: "{{ip web}}/32" }\n';

    it("stay unrendered in the plan and validate against the planned IPs", () => {
      const plan = load(withFile(), { [POLICY]: policyFile(spec) });
      const object = phase(plan).manifests[0]?.object;
      if (!object) throw new Error("no manifest");
      expect(JSON.stringify(object)).to.contain("{{ ip shop/api }}/32");
      const rendered = renderManifest(object, plan.plannedIps) as unknown as { spec: { ingress: { from: { ipBlock: { cidr: string } }[] }[] } };
      expect(rendered.spec.ingress[0]?.from.map((f) => f.ipBlock.cidr)).to.deep.equal(["10.42.1.2/32", "10.42.1.1/32"]);
      expect(JSON.stringify(object)).to.contain("{{ ip shop/api }}/32"); // renderManifest does not mutate
    });

    it("an unknown workload in a template is an error at its line", () => {
      const text = policyFile(spec.replace("shop/api", "shop/apx"));
      const p = problem(withFile(), { [POLICY]: text });
      expect(p).to.deep.include({ file: POLICY, line: lineOf(text, "shop/apx"), field: "spec.ingress[0].from[0].ipBlock.cidr" });
      expect(p.message).to.equal('template {{ ip shop/apx }}: unknown workload "shop/apx"');
      expect(p.hint).to.match(/^did you mean "shop\/api"\?/);
    });

    it("an unknown template", () => {
      const text = policyFile('  podSelector: {}\n  ingress:\n    - from:\n        - ipBlock: { cidr: "{{ pod web }}/32" }\n');
      expect(problem(withFile(), { [POLICY]: text }).message).to.equal("unknown template {{ pod web }}");
    });
  });

  describe("warnings", () => {
    it("a namespaceSelector no namespace matches", () => {
      const text = policyFile("  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: { team: x }\n");
      const plan = load(withFile(), { [POLICY]: text });
      expect(plan.warnings).to.deep.equal([
        {
          at: { file: POLICY, line: lineOf(text, "matchLabels"), column: 13 },
          field: "spec.ingress[0].from[0].namespaceSelector",
          message: "namespaceSelector matches no namespace: no namespace has label team=x (did you forget to label the namespace?)",
        },
      ]);
    });

    it("a podSelector no workload of its namespace matches, and the policy's own podSelector", () => {
      const text = policyFile("  podSelector: { matchLabels: { app: dbb } }\n  egress:\n    - to:\n        - podSelector: { matchLabels: { app: cache } }\n");
      const plan = load(withFile(), { [POLICY]: text });
      expect(plan.warnings.map((w) => [w.at.line, w.message])).to.deep.equal([
        [lineOf(text, "app: dbb"), "podSelector matches no workload in namespace shop: no workload has label app=dbb (did you forget to label the workload?)"],
        [lineOf(text, "app: cache"), "podSelector matches no workload in namespace shop: no workload has label app=cache (did you forget to label the workload?)"],
      ]);
    });

    it("selectors that match give no warning; cluster DNS labels count", () => {
      const text = policyFile(
        "  podSelector: {}\n  egress:\n    - to:\n        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }\n          podSelector: { matchLabels: { k8s-app: kube-dns } }\n",
      );
      expect(load(withFile(), { [POLICY]: text }).warnings).to.deep.equal([]);
    });

    it("a selector that stops matching in a step is reported with the phase", () => {
      const text = policyFile("  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector: { matchLabels: { team: shop } }\n");
      const scenario = `${withFile()}steps:\n  - name: relabel\n    namespaces: { shop: { labels: { team: other } } }\n`;
      const plan = load(scenario, { [POLICY]: text });
      expect(plan.warnings.map((w) => w.message)).to.deep.equal([
        "namespaceSelector matches no namespace: no namespace has label team=shop (did you forget to label the namespace?) (in phase relabel)",
      ]);
    });
  });

  describe("step changes", () => {
    it("replace swaps a manifest in place; replace or delete of one not in force is an error", () => {
      const base = `${SHOP}manifests:\n  - inline: { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: shop }, data: { v: "1" } }\n  - inline: { apiVersion: v1, kind: ConfigMap, metadata: { name: b, namespace: shop } }\n`;
      const ok = `${base}steps:\n  - name: s\n    manifests:\n      replace:\n        - inline: { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: shop }, data: { v: "2" } }\n`;
      const manifests = phase(load(ok), "s").manifests;
      expect(manifests.map((m) => [m.id, (m.object as { data?: { v: string } }).data?.v])).to.deep.equal([
        ["ConfigMap/shop/a", "2"],
        ["ConfigMap/shop/b", undefined],
      ]);
      const bad = `${base}steps:\n  - name: s\n    manifests:\n      delete: [ConfigMap/shop/c]\n      replace:\n        - inline: { apiVersion: v1, kind: ConfigMap, metadata: { name: z, namespace: shop } }\n      add:\n        - inline: { apiVersion: v1, kind: ConfigMap, metadata: { name: b, namespace: shop } }\n`;
      expect(problems(bad).map((p) => [p.line, p.message])).to.deep.equal([
        [lineOf(bad, "delete:"), "cannot delete ConfigMap/shop/c: no such manifest is in force"],
        [lineOf(bad, "name: z"), "cannot replace ConfigMap/shop/z: no such manifest is in force"],
        [lineOf(bad, "name: b", 2), `duplicate manifest ConfigMap/shop/b: already defined at ${FILE}:${lineOf(bad, "name: b")}`],
      ]);
    });
  });
});
