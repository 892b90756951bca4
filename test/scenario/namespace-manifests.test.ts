import { expect } from "chai";
import { lineOf, load, phase, problem, SHOP } from "./helpers.ts";

const namespaceDoc = (name: string, labels: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${labels}\n`;
const NS_FILE = "scenarios/ns.yaml";

describe("scenario manifests: Namespace documents", () => {
  it("a Namespace manifest gives a declared namespace its labels", () => {
    const text = SHOP.replace("  monitoring: {}\n", "  monitoring: {}\n  billing:\n") + "manifests:\n  - ns.yaml\n";
    const plan = load(text, { [NS_FILE]: namespaceDoc("monitoring", "{ team: ops }") + "---\n" + namespaceDoc("billing", "{ team: money }") });
    const labels = Object.fromEntries(phase(plan).namespaces.map((n) => [n.name, n.labels]));
    expect(labels["monitoring"]).to.deep.equal({ team: "ops", "kubernetes.io/metadata.name": "monitoring" });
    expect(labels["billing"]).to.deep.equal({ team: "money", "kubernetes.io/metadata.name": "billing" });
  });

  it("a Namespace manifest declares a namespace the scenario does not list", () => {
    const text = `${SHOP}  other/client: {}\nmanifests:\n  - ns.yaml\n`;
    const plan = load(text, { [NS_FILE]: namespaceDoc("other", "{ env: test }") });
    const other = phase(plan).namespaces.find((n) => n.name === "other");
    expect(other).to.deep.equal({ name: "other", labels: { env: "test", "kubernetes.io/metadata.name": "other" }, managed: true });
    expect(phase(plan).workloads.map((w) => w.id)).to.include("other/client");
  });

  it("the same labels in both places are fine; different labels are an error naming both places", () => {
    expect(() => load(`${SHOP}manifests:\n  - ns.yaml\n`, { [NS_FILE]: namespaceDoc("shop", "{ team: shop }") })).not.to.throw();
    const text = `${SHOP}manifests:\n  - ns.yaml\n`;
    const doc = namespaceDoc("shop", "{ team: web }");
    const p = problem(text, { [NS_FILE]: doc });
    expect(p).to.deep.include({ file: NS_FILE, line: lineOf(doc, "labels"), field: "metadata.labels" });
    expect(p.message).to.equal(`namespace "shop" gets labels { team: web } here and { team: shop } at scenarios/test.yaml:${lineOf(SHOP, "team: shop")} (namespaces.shop)`);
  });

  it("labels are checked as label keys and values", () => {
    const doc = namespaceDoc("monitoring", '{ "bad key!": x }');
    const p = problem(`${SHOP}manifests:\n  - ns.yaml\n`, { [NS_FILE]: doc });
    expect(p).to.deep.include({ file: NS_FILE, line: lineOf(doc, "bad key") });
  });

  it("a Namespace manifest in a step is an error that says how to relabel", () => {
    const text = `${SHOP}steps:\n  - name: later\n    manifests:\n      add:\n        - inline: { apiVersion: v1, kind: Namespace, metadata: { name: monitoring, labels: { a: b } } }\n`;
    const p = problem(text);
    expect(p.line).to.equal(lineOf(text, "kind: Namespace"));
    expect(p.hint).to.match(/steps\[\]\.namespaces/);
  });
});

describe("scenario manifests: Namespace documents across steps", () => {
  it("deleting a Namespace manifest in a step is an error at the delete entry", () => {
    const text = `${SHOP}manifests:\n  - ns.yaml\nsteps:\n  - name: later\n    manifests:\n      delete: [Namespace/monitoring]\n`;
    const p = problem(text, { [NS_FILE]: namespaceDoc("monitoring", "{ team: ops }") });
    expect(p).to.deep.include({ line: lineOf(text, "delete:"), field: "steps[0].manifests.delete[0]" });
    expect(p.message).to.equal("cannot delete Namespace/monitoring: netproof keeps the scenario's namespaces in every phase");
  });
});
