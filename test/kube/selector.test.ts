import { expect } from "chai";
import { describe, it } from "mocha";
import { matchesSelector } from "../../src/kube/selector.ts";
import type { LabelSelector } from "../../src/kube/selector.ts";

const web = { app: "web", tier: "front" };
const bare = {};

function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  return matchesSelector(selector, labels);
}

describe("kube: label selectors (the one evaluator)", () => {
  it("an empty selector matches everything, unlabelled objects included", () => {
    expect(matches({}, web)).to.equal(true);
    expect(matches({}, bare)).to.equal(true);
    expect(matches({ matchLabels: {}, matchExpressions: [] }, bare)).to.equal(true);
  });

  it("matchLabels needs every pair, with equal values", () => {
    expect(matches({ matchLabels: { app: "web" } }, web)).to.equal(true);
    expect(matches({ matchLabels: { app: "web", tier: "front" } }, web)).to.equal(true);
    expect(matches({ matchLabels: { app: "web", tier: "back" } }, web)).to.equal(false);
    expect(matches({ matchLabels: { app: "" } }, bare)).to.equal(false);
  });

  it("In matches a listed value only when the key is present", () => {
    const sel: LabelSelector = { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] };
    expect(matches(sel, web)).to.equal(true);
    expect(matches(sel, { app: "db" })).to.equal(false);
    expect(matches(sel, bare)).to.equal(false);
  });

  it("NotIn matches when the key is absent, or present with another value", () => {
    const sel: LabelSelector = { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] };
    expect(matches(sel, bare)).to.equal(true);
    expect(matches(sel, { app: "db" })).to.equal(true);
    expect(matches(sel, web)).to.equal(false);
  });

  it("Exists and DoesNotExist look at the key only", () => {
    expect(matches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, web)).to.equal(true);
    expect(matches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, { tier: "" })).to.equal(true);
    expect(matches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, bare)).to.equal(false);
    expect(matches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, bare)).to.equal(true);
    expect(matches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, web)).to.equal(false);
  });

  it("matchLabels and matchExpressions are ANDed", () => {
    const sel: LabelSelector = {
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }],
    };
    expect(matches(sel, web)).to.equal(false);
    expect(matches(sel, { app: "web", tier: "back" })).to.equal(true);
    expect(matches(sel, { app: "api", tier: "back" })).to.equal(false);
  });

  it("does not find labels through the object prototype", () => {
    expect(matches({ matchExpressions: [{ key: "constructor", operator: "Exists" }] }, bare)).to.equal(false);
    expect(matches({ matchExpressions: [{ key: "toString", operator: "DoesNotExist" }] }, bare)).to.equal(true);
  });
});
