import { expect } from "chai";
import { predictPhase } from "../../src/oracle/predict-plan.ts";
import { load, phase, SHOP } from "../scenario/helpers.ts";

// Found by fuzzing: this CIDR passed the schema and then threw in the oracle.
describe("oracle: an IPv4-mapped IPv6 ipBlock, end to end", () => {
  it("admits exactly the IPv4 pod it names, as Kubernetes reads ::ffff:10.42.1.1/128", () => {
    const text = `${SHOP}manifests:
  - inline:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: api-from-web, namespace: shop }
      spec:
        podSelector: { matchLabels: { app: api } }
        ingress:
          - from: [{ ipBlock: { cidr: "::ffff:10.42.1.1/128" } }]
`;
    const plan = load(text);
    expect(plan.plannedIps["shop/web"]).to.equal("10.42.1.1");
    const predictions = predictPhase(plan, phase(plan), plan.plannedIps);
    expect(predictions.get("shop/web -> shop/api:8080/TCP")?.kind).to.equal("allowed");
    expect(predictions.get("shop/db -> shop/api:8080/TCP")?.kind).to.equal("denied");
  });
});
