import { expect } from "chai";
import { describe, it } from "mocha";
import { predictPhase } from "../../src/oracle/predict-plan.ts";
import { load, problem } from "./helpers.ts";

// Keys from files are data: names of Object.prototype members behave like any other string.
const SCENARIO = `description: prototype names
namespaces:
  constructor: { labels: { valueOf: x, toString: y } }
workloads:
  constructor/constructor: { labels: { constructor: "yes-it-is" }, ports: [80] }
  constructor/client: { labels: { app: client } }
manifests:
  - inline:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: hasown, namespace: constructor }
      spec:
        podSelector: { matchExpressions: [{ key: valueOf, operator: Exists }] }
        ingress: []
  - inline:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: proto, namespace: constructor }
      spec:
        podSelector: { matchLabels: { constructor: "yes-it-is" } }
        ingress:
          - from:
              - ipBlock: { cidr: "{{ ip constructor }}/32" }
              - namespaceSelector: { matchLabels: { valueOf: x } }
                podSelector: { matchExpressions: [{ key: hasOwnProperty, operator: DoesNotExist }] }
`;

describe("scenario: prototype member names are ordinary keys", () => {
  it("a __proto__ label is refused as the invalid label key it is, not dropped", () => {
    const text = "description: x\nnamespaces:\n  shop: { labels: { __proto__: x } }\nworkloads: {}\n";
    const p = problem(text);
    expect(p).to.deep.include({ line: 3, field: "namespaces.shop.labels.__proto__" });
    expect(p.message).to.match(/^invalid key "__proto__": not a valid label key: name part must consist of/);
  });

  it("warnings and the oracle agree that Exists on 'valueOf' selects nothing", () => {
    const plan = load(SCENARIO);
    const warning = plan.warnings.find((w) => w.field.includes("spec.podSelector"));
    expect(warning?.message).to.match(/podSelector matches no workload in namespace constructor/);
    const phase = plan.phases[0];
    if (!phase) throw new Error("no phase");
    const predictions = predictPhase(plan, phase, plan.plannedIps);
    const toServer = [...predictions.entries()].find(([key]) => key.startsWith("constructor/client -> constructor/constructor:80"));
    // Only "proto" selects the server; its peer (a valueOf label, DoesNotExist on hasOwnProperty) admits the client.
    expect(toServer?.[1]).to.deep.include({ kind: "allowed" });
    if (toServer?.[1].kind !== "allowed") return;
    expect(toServer[1].ingress).to.deep.include({ kind: "allowed", isolatedBy: ["constructor/proto"] });
  });

  it("renders {{ ip constructor }} as that workload's IP, not a function", () => {
    const plan = load(SCENARIO);
    const manifest = plan.phases[0]?.manifests.find((m) => m.id.endsWith("/proto"));
    expect(JSON.stringify(manifest?.object)).to.include("{{ ip constructor }}");
    expect(plan.plannedIps["constructor/constructor"]).to.match(/^10\.42\./);
    expect(plan.warnings.map((w) => w.field).join("\n")).not.to.include("namespaceSelector");
  });
});

describe("scenario: __proto__ as a namespace, workload or external name", () => {
  for (const [section, body, message] of [
    ["namespaces", "namespaces:\n  __proto__: {}\nworkloads: {}\n", /a namespace name is a DNS label/],
    ["workloads", "namespaces: { shop: {} }\nworkloads:\n  __proto__: {}\n", /a workload key is/],
    ["externals", "externals:\n  __proto__: 203.0.113.1\nnamespaces: { shop: {} }\nworkloads: {}\n", /an external name is a DNS label/],
  ] as const) {
    it(`is refused in ${section}, not dropped`, () => {
      const p = problem(`description: x\n${body}`);
      expect(p.field).to.equal(`${section}.__proto__`);
      expect(p.message).to.match(message);
    });
  }
});
