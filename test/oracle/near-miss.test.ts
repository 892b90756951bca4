import { expect } from "chai";
import { describeNearMisses } from "../../src/oracle/explain.ts";
import { nearMisses } from "../../src/oracle/near-miss.ts";
import { predict } from "../../src/oracle/oracle.ts";
import type { NetworkPolicy } from "../../src/kube/network-policy.ts";
import type { OracleQuery } from "../../src/oracle/types.ts";
import { policy, shop } from "./oracle-fixture.ts";

/** The sentences a denied query gets, as the reports print them. */
function why(policies: readonly NetworkPolicy[], query: OracleQuery): string[] {
  const model = shop(policies);
  const prediction = predict(model, query);
  expect(prediction.kind, "the query must be denied").to.equal("denied");
  return describeNearMisses(prediction, nearMisses(model, query));
}

const dbIngress = (spec: NetworkPolicy["spec"]) => policy("prod", "db-ingress", spec);

describe("oracle: the nearest misses of a denial", () => {
  it("a rule whose peer matches but whose port is another: what it allows, and not what", () => {
    const p = dbIngress({ podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 5433, protocol: "TCP" }] }] });
    expect(why([p], { from: "prod/client", to: { pod: "prod/db" }, port: 5432, protocol: "TCP" })).to.deep.equal([
      "nearest miss (ingress): rule 0 of prod/db-ingress allows 5433/TCP, not 5432/TCP",
    ]);
  });

  it("a rule whose ports match but whose peers do not: each peer says what the other end lacks", () => {
    const p = dbIngress({
      podSelector: { matchLabels: { app: "db" } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { team: "shop" } } },
            { podSelector: { matchLabels: { role: "client", tier: "front" } } },
            { namespaceSelector: { matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }] }, podSelector: { matchLabels: { app: "web" } } },
          ],
        },
      ],
    });
    expect(why([p], { from: "shop/web", to: { pod: "prod/db" }, port: 5432, protocol: "TCP" })).to.deep.equal([
      "nearest miss (ingress): peer 0 of rule 0 of prod/db-ingress needs namespace label team=shop, which namespace shop lacks (no namespace has it: the selector matches nothing)",
      "nearest miss (ingress): peer 1 of rule 0 of prod/db-ingress has no namespaceSelector, so it selects pods of namespace prod only, and shop/web is in shop",
      "nearest miss (ingress): peer 2 of rule 0 of prod/db-ingress needs namespace label env In (prod), which namespace shop lacks",
    ]);
    expect(why([p], { from: "prod/client", to: { pod: "prod/db" }, port: 5432, protocol: "TCP" })).to.deep.equal([
      "nearest miss (ingress): peer 0 of rule 0 of prod/db-ingress needs namespace label team=shop, which namespace prod lacks (no namespace has it: the selector matches nothing)",
      "nearest miss (ingress): peer 1 of rule 0 of prod/db-ingress needs pod label tier=front, which prod/client lacks (no pod has it: the selector matches nothing)",
      "nearest miss (ingress): peer 2 of rule 0 of prod/db-ingress needs pod label app=web, which prod/client lacks",
    ]);
  });

  it("egress to an address outside the cluster: ipBlocks that do not hold it or except it, selectors that cannot match it", () => {
    const p = policy("shop", "web-egress", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "192.0.2.0/24", except: ["192.0.2.10/32"] } }, { ipBlock: { cidr: "198.51.100.0/24" } }, { podSelector: {} }] }],
    });
    expect(why([p], { from: "shop/web", to: { ip: "192.0.2.10" }, port: 443, protocol: "TCP" })).to.deep.equal([
      "nearest miss (egress): peer 0 of rule 0 of shop/web-egress is ipBlock 192.0.2.0/24, which excepts 192.0.2.10",
      "nearest miss (egress): peer 1 of rule 0 of shop/web-egress is ipBlock 198.51.100.0/24, which does not hold 192.0.2.10",
      "nearest miss (egress): peer 2 of rule 0 of shop/web-egress selects pods, and 192.0.2.10 is outside the cluster",
    ]);
  });

  it("rules far from the traffic (wrong port and wrong peer) and default denies are not near misses", () => {
    const deny = policy("prod", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] });
    const far = dbIngress({ podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "batch" } } }], ports: [{ port: 9000 }] }] });
    expect(why([deny, far], { from: "prod/client", to: { pod: "prod/db" }, port: 5432, protocol: "TCP" })).to.deep.equal([]);
  });

  it("only the direction that refused is explained", () => {
    const egress = policy("shop", "web-egress", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] });
    const ingress = dbIngress({ podSelector: { matchLabels: { app: "db" } }, ingress: [{ ports: [{ port: 5433 }] }] });
    expect(why([egress, ingress], { from: "shop/web", to: { pod: "prod/db" }, port: 5432, protocol: "TCP" })).to.deep.equal([
      "nearest miss (egress): rule 0 of shop/web-egress allows 53/UDP, not 5432/TCP",
      "nearest miss (ingress): rule 0 of prod/db-ingress allows 5433/TCP, not 5432/TCP",
    ]);
  });
});
