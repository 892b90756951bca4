import { expect } from "chai";
import { describe, it } from "mocha";
import { describePrediction } from "../../src/oracle/explain.ts";
import { predict } from "../../src/oracle/oracle.ts";
import { policy, shop } from "./oracle-fixture.ts";

describe("oracle: describePrediction", () => {
  it("explains an allowed connection direction by direction", () => {
    const model = shop([
      policy("shop", "allow-api", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }, { podSelector: { matchLabels: { app: "web" } } }] }] }),
    ]);
    const p = predict(model, { from: "shop/web", to: { pod: "shop/api" }, port: 8080, protocol: "TCP" });
    expect(describePrediction(p)).to.equal("allowed: egress not isolated; ingress allowed by shop/allow-api rule 0 peer 1");
  });

  it("names the rule without a peer when the rule has no peers, and says when ingress does not apply", () => {
    const model = shop([policy("shop", "out", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }] }] })]);
    const p = predict(model, { from: "shop/web", to: { ip: "192.0.2.10" }, port: 443, protocol: "TCP" });
    expect(describePrediction(p)).to.equal("allowed: egress allowed by shop/out rule 0; ingress not applicable (outside the cluster)");
  });

  it("explains a denial by the policies that isolate the refusing direction only", () => {
    const model = shop([
      policy("prod", "default-deny", { podSelector: {} }),
      policy("prod", "allow-web", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ ports: [{ port: 80 }] }] }),
    ]);
    const p = predict(model, { from: "shop/web", to: { pod: "prod/db" }, port: 5432, protocol: "TCP" });
    expect(describePrediction(p, "prod/db:5432/TCP")).to.equal(
      "denied: ingress isolated by prod/allow-web, prod/default-deny and no rule allows prod/db:5432/TCP",
    );
    expect(describePrediction(p)).to.match(/no rule allows it$/);
  });

  it("lists both directions when both refuse", () => {
    const model = shop([policy("shop", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })]);
    const p = predict(model, { from: "shop/web", to: { pod: "shop/api" }, port: 80, protocol: "TCP" });
    expect(describePrediction(p)).to.equal(
      "denied: egress isolated by shop/deny-all and no rule allows it; ingress isolated by shop/deny-all and no rule allows it",
    );
  });

  it("passes the reason of an invalid question through", () => {
    expect(describePrediction({ kind: "invalid", reason: "shop/api has no TCP port named x" })).to.equal(
      "invalid: shop/api has no TCP port named x",
    );
  });
});
