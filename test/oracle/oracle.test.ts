import { expect } from "chai";
import { describe, it } from "mocha";
import { effectivePolicyTypes } from "../../src/oracle/compile.ts";
import { createOracle, predict } from "../../src/oracle/oracle.ts";
import type { NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from "../../src/kube/network-policy.ts";
import type { OracleModel, OracleQuery, Prediction } from "../../src/oracle/types.ts";
import { policy, shop } from "./oracle-fixture.ts";

type Spec = NetworkPolicy["spec"];

function ask(model: OracleModel, query: Partial<OracleQuery> & Pick<OracleQuery, "from" | "to">): Prediction {
  return predict(model, { port: 80, protocol: "TCP", ...query });
}

function kind(model: OracleModel, from: string, to: string, port: number | string = 80, protocol: OracleQuery["protocol"] = "TCP"): string {
  return ask(model, { from, to: to.includes("/") ? { pod: to } : { ip: to }, port, protocol }).kind;
}

describe("oracle: policyTypes and isolation", () => {
  const spec = (s: Spec): NetworkPolicy => policy("shop", "p", s);

  it("defaults to Ingress, plus Egress only when there is at least one egress rule", () => {
    expect([...effectivePolicyTypes(spec({ podSelector: {} }))]).to.deep.equal(["Ingress"]);
    expect([...effectivePolicyTypes(spec({ podSelector: {}, egress: [] }))]).to.deep.equal(["Ingress"]);
    expect([...effectivePolicyTypes(spec({ podSelector: {}, egress: [{}] }))]).to.deep.equal(["Ingress", "Egress"]);
    expect([...effectivePolicyTypes(spec({ podSelector: {}, policyTypes: [] }))]).to.deep.equal(["Ingress"]);
    expect([...effectivePolicyTypes(spec({ podSelector: {}, policyTypes: ["Egress"], ingress: [{}] }))]).to.deep.equal(["Egress"]);
  });

  it("a policy without policyTypes and without rules denies all ingress and leaves egress alone", () => {
    const model = shop([spec({ podSelector: { matchLabels: { app: "web" } } })]);
    expect(kind(model, "shop/api", "shop/web")).to.equal("denied");
    expect(kind(model, "shop/web", "shop/api")).to.equal("allowed");
    expect(kind(model, "shop/web", "192.0.2.10")).to.equal("allowed");
  });

  it("an `egress: []` without policyTypes does not isolate egress", () => {
    const model = shop([spec({ podSelector: {}, ingress: [{}], egress: [] })]);
    const p = ask(model, { from: "shop/web", to: { ip: "192.0.2.10" } });
    expect(p.kind).to.equal("allowed");
    expect(p.kind !== "invalid" && p.egress).to.deep.equal({ kind: "not-isolated" });
  });

  it("egress rules without policyTypes isolate egress", () => {
    const model = shop([spec({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] })]);
    expect(kind(model, "shop/web", "192.0.2.10", 443)).to.equal("denied");
    expect(kind(model, "shop/web", "192.0.2.10", 53, "UDP")).to.equal("allowed");
  });

  it("policyTypes [Egress] does not isolate ingress even with ingress rules", () => {
    const model = shop([spec({ podSelector: {}, policyTypes: ["Egress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "none" } } }] }], egress: [{}] })]);
    const p = ask(model, { from: "shop/api", to: { pod: "shop/web" } });
    expect(p.kind).to.equal("allowed");
    expect(p.kind !== "invalid" && p.ingress).to.deep.equal({ kind: "not-isolated" });
  });

  it("isolation is per namespace: a policy never selects pods of another namespace", () => {
    const model = shop([policy("shop", "deny-all", { podSelector: {} })]);
    expect(kind(model, "shop/web", "prod/db", 5432)).to.equal("allowed");
    expect(kind(model, "prod/db", "shop/web")).to.equal("denied");
  });

  it("a pod-to-pod connection needs both the source's egress and the target's ingress", () => {
    const egressOnlyToApi = policy("shop", "web-egress", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: { app: "api" } } }] }],
    });
    const apiIngressNobody = policy("shop", "api-ingress", { podSelector: { matchLabels: { app: "api" } }, ingress: [] });
    expect(kind(shop([egressOnlyToApi]), "shop/web", "shop/api")).to.equal("allowed");
    expect(kind(shop([egressOnlyToApi]), "shop/web", "prod/db", 5432)).to.equal("denied");
    expect(kind(shop([egressOnlyToApi, apiIngressNobody]), "shop/web", "shop/api")).to.equal("denied");
  });
});

describe("oracle: peers", () => {
  const allowFrom = (from: readonly NetworkPolicyPeer[]): OracleModel =>
    shop([policy("shop", "db-in", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from }] })]);

  it("podSelector alone means pods of the policy's namespace", () => {
    const model = allowFrom([{ podSelector: { matchLabels: { role: "client" } } }]);
    expect(kind(model, "shop/web", "shop/api")).to.equal("allowed");
    expect(kind(model, "prod/client", "shop/api")).to.equal("denied");
  });

  it("namespaceSelector alone means every pod of the matching namespaces", () => {
    const model = allowFrom([{ namespaceSelector: { matchLabels: { env: "prod" } } }]);
    expect(kind(model, "prod/client", "shop/api")).to.equal("allowed");
    expect(kind(model, "prod/db", "shop/api")).to.equal("allowed");
    expect(kind(model, "shop/web", "shop/api")).to.equal("denied");
  });

  it("both selectors in one peer AND; in two peers they OR", () => {
    const and = allowFrom([{ namespaceSelector: { matchLabels: { env: "prod" } }, podSelector: { matchLabels: { role: "client" } } }]);
    expect(kind(and, "prod/client", "shop/api")).to.equal("allowed");
    expect(kind(and, "prod/db", "shop/api")).to.equal("denied");
    expect(kind(and, "shop/web", "shop/api")).to.equal("denied");
    const or = allowFrom([{ namespaceSelector: { matchLabels: { env: "prod" } } }, { podSelector: { matchLabels: { role: "client" } } }]);
    expect(kind(or, "prod/db", "shop/api")).to.equal("allowed");
    expect(kind(or, "shop/web", "shop/api")).to.equal("allowed");
  });

  it("an empty or absent `from` allows every peer; empty or absent `ports` every port", () => {
    const open = (rule: NetworkPolicyIngressRule): OracleModel =>
      shop([policy("shop", "open", { podSelector: { matchLabels: { app: "api" } }, ingress: [rule] })]);
    for (const rule of [{}, { from: [] }, { ports: [] }, { from: [], ports: [] }] as NetworkPolicyIngressRule[]) {
      expect(kind(open(rule), "prod/db", "shop/api", 9999, "UDP"), JSON.stringify(rule)).to.equal("allowed");
    }
  });

  it("an ipBlock matches pod IPs too, the source's for ingress", () => {
    const model = allowFrom([{ ipBlock: { cidr: "10.42.2.0/24", except: ["10.42.2.2/32"] } }]);
    expect(kind(model, "prod/client", "shop/api")).to.equal("allowed");
    expect(kind(model, "prod/db", "shop/api")).to.equal("denied");
    expect(kind(model, "shop/web", "shop/api")).to.equal("denied");
  });

  it("matches namespaces missing from the model by their name label", () => {
    const base = shop([policy("shop", "from-ext", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "prod" } } }] }] })]);
    const model: OracleModel = { ...base, namespaces: base.namespaces.filter((ns) => ns.name !== "prod") };
    expect(kind(model, "prod/db", "shop/web")).to.equal("allowed");
  });

  it("refuses a policy the API server would refuse", () => {
    const empty = shop([policy("shop", "bad", { podSelector: {}, ingress: [{ from: [{}] }] })]);
    expect(() => createOracle(empty)).to.throw(/shop\/bad rule 0 peer 0: a peer needs/);
    const both = shop([policy("shop", "bad", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] })]);
    expect(() => createOracle(both)).to.throw(/ipBlock cannot also/);
    const cidr = shop([policy("shop", "bad", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0" } }] }] })]);
    expect(() => createOracle(cidr)).to.throw(/shop\/bad rule 0 peer 0: ipBlock.cidr "10.0.0.0" is not a CIDR/);
  });
});

describe("oracle: ports", () => {
  const ingressPorts = (ports: readonly NetworkPolicyPort[]): OracleModel =>
    shop([policy("shop", "ports", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports }] })]);

  it("a port entry defaults to TCP", () => {
    const model = ingressPorts([{ port: 8080 }]);
    expect(kind(model, "shop/web", "shop/api", 8080)).to.equal("allowed");
    expect(kind(model, "shop/web", "shop/api", 8080, "UDP")).to.equal("denied");
  });

  it("a protocol without a port allows every port of that protocol only", () => {
    const model = ingressPorts([{ protocol: "UDP" }]);
    expect(kind(model, "shop/web", "shop/api", 1, "UDP")).to.equal("allowed");
    expect(kind(model, "shop/web", "shop/api", 65535, "UDP")).to.equal("allowed");
    expect(kind(model, "shop/web", "shop/api", 80, "TCP")).to.equal("denied");
  });

  it("endPort makes an inclusive range", () => {
    const model = ingressPorts([{ port: 8000, endPort: 8080 }]);
    expect([7999, 8000, 8040, 8080, 8081].map((port) => kind(model, "shop/web", "shop/api", port))).to.deep.equal([
      "denied",
      "allowed",
      "allowed",
      "allowed",
      "denied",
    ]);
  });

  it("an ingress named port resolves against the selected pod's own container ports", () => {
    // api serves "http" on 8080, web serves "http" on 80.
    const model = shop([policy("shop", "named", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] })]);
    expect(kind(model, "shop/web", "shop/api", 8080)).to.equal("allowed");
    expect(kind(model, "shop/web", "shop/api", 80)).to.equal("denied");
    expect(kind(model, "shop/api", "shop/web", 80)).to.equal("allowed");
    expect(kind(model, "shop/api", "shop/web", 8080)).to.equal("denied");
  });

  it("a named port needs the protocol of the container port", () => {
    const model = shop([policy("shop", "named", { podSelector: {}, ingress: [{ ports: [{ port: "dns", protocol: "TCP" }] }] })]);
    expect(kind(model, "shop/web", "shop/api", 53, "UDP")).to.equal("denied");
    expect(kind(model, "shop/web", "shop/api", 53, "TCP")).to.equal("denied");
    const udp = shop([policy("shop", "named", { podSelector: {}, ingress: [{ ports: [{ port: "dns", protocol: "UDP" }] }] })]);
    expect(kind(udp, "shop/web", "shop/api", 53, "UDP")).to.equal("allowed");
  });

  it("an egress named port resolves against the destination pod and never matches an external address", () => {
    const model = shop([policy("shop", "egress-named", { podSelector: { matchLabels: { app: "web" } }, egress: [{ ports: [{ port: "postgres" }] }] })]);
    expect(kind(model, "shop/web", "prod/db", 5432)).to.equal("allowed");
    expect(kind(model, "shop/web", "shop/api", 5432)).to.equal("denied");
    expect(kind(model, "shop/web", "192.0.2.10", 5432)).to.equal("denied");
  });
});

describe("oracle: queries", () => {
  const model = shop([policy("shop", "deny-all", { podSelector: {} })]);

  it("resolves a query's named port against the target pod", () => {
    const allowDb = shop([policy("prod", "db", { podSelector: {}, ingress: [{ ports: [{ port: 5432 }] }] })]);
    expect(kind(allowDb, "shop/web", "prod/db", "postgres")).to.equal("allowed");
    expect(kind(allowDb, "shop/web", "prod/client", "http")).to.equal("denied");
  });

  it("answers invalid, never denied, when the target lacks the named port", () => {
    const p = ask(model, { from: "shop/web", to: { pod: "shop/api" }, port: "postgres" });
    expect(p).to.deep.equal({ kind: "invalid", reason: "shop/api has no TCP port named postgres" });
    expect(ask(model, { from: "shop/web", to: { pod: "shop/api" }, port: "dns", protocol: "SCTP" }).kind).to.equal("invalid");
    expect(ask(model, { from: "shop/web", to: { ip: "192.0.2.10" }, port: "http" })).to.deep.include({ kind: "invalid" });
  });

  it("answers invalid for unknown pods, non-addresses and impossible ports", () => {
    expect(ask(model, { from: "shop/ghost", to: { pod: "shop/api" } })).to.deep.equal({ kind: "invalid", reason: "unknown source pod shop/ghost" });
    expect(ask(model, { from: "shop/web", to: { pod: "shop/ghost" } }).kind).to.equal("invalid");
    expect(ask(model, { from: "shop/web", to: { ip: "example.com" } }).kind).to.equal("invalid");
    expect(ask(model, { from: "shop/web", to: { pod: "shop/api" }, port: 0 }).kind).to.equal("invalid");
    expect(ask(model, { from: "shop/web", to: { pod: "shop/api" }, port: 65536 }).kind).to.equal("invalid");
  });

  it("treats an address that is a pod's IP as that pod", () => {
    const p = ask(model, { from: "prod/db", to: { ip: "10.42.1.2" } });
    expect(p.kind).to.equal("denied");
    expect(p.kind !== "invalid" && p.ingress).to.deep.equal({ kind: "denied", isolatedBy: ["shop/deny-all"] });
    const v6 = ask(model, { from: "prod/db", to: { ip: "fd00:0:0::0002" } });
    expect(v6.kind !== "invalid" && v6.ingress.kind).to.equal("denied");
  });

  it("applies only the source's egress to an external address", () => {
    const egress = shop([
      policy("shop", "out", {
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: "192.0.2.0/24", except: ["192.0.2.128/25"] } }, { ipBlock: { cidr: "2001:db8::/32" } }] }],
      }),
    ]);
    expect(ask(egress, { from: "shop/web", to: { ip: "192.0.2.10" } })).to.deep.equal({
      kind: "allowed",
      egress: { kind: "allowed", isolatedBy: ["shop/out"], allowedBy: { policy: "shop/out", rule: 0, peer: 0 } },
      ingress: { kind: "not-applicable" },
    });
    expect(kind(egress, "shop/web", "192.0.2.200")).to.equal("denied");
    expect(kind(egress, "shop/web", "198.51.100.1")).to.equal("denied");
    expect(ask(egress, { from: "shop/web", to: { ip: "2001:db8::1" } })).to.deep.include({ kind: "allowed" });
    expect(kind(egress, "prod/db", "198.51.100.1")).to.equal("allowed");
  });
});

describe("oracle: explanations", () => {
  const web = { matchLabels: { app: "web" } };
  const policies = [
    policy("shop", "b-allow-prod", { podSelector: web, ingress: [{ ports: [{ port: 9 }] }, { from: [{ podSelector: { matchLabels: { app: "api" } } }, { namespaceSelector: {} }] }] }),
    policy("shop", "a-allow-port", { podSelector: web, ingress: [{ ports: [{ port: 80 }] }] }),
    policy("shop", "c-deny", { podSelector: {} }),
    policy("shop", "egress-only", { podSelector: web, policyTypes: ["Egress"] }),
  ];
  const model = shop(policies);

  it("lists every selecting policy of the direction, sorted, and the first allowing rule in policy/rule/peer order", () => {
    expect(ask(model, { from: "prod/db", to: { pod: "shop/web" }, port: 80 })).to.deep.equal({
      kind: "allowed",
      egress: { kind: "not-isolated" },
      ingress: { kind: "allowed", isolatedBy: ["shop/a-allow-port", "shop/b-allow-prod", "shop/c-deny"], allowedBy: { policy: "shop/a-allow-port", rule: 0 } },
    });
    const p = ask(model, { from: "prod/db", to: { pod: "shop/web" }, port: 443 });
    expect(p.kind !== "invalid" && p.ingress).to.deep.include({ allowedBy: { policy: "shop/b-allow-prod", rule: 1, peer: 1 } });
    const q = ask(model, { from: "shop/api", to: { pod: "shop/web" }, port: 443 });
    expect(q.kind !== "invalid" && q.ingress).to.deep.include({ allowedBy: { policy: "shop/b-allow-prod", rule: 1, peer: 0 } });
  });

  it("names the egress isolation and the ingress isolation separately", () => {
    const p = ask(model, { from: "shop/web", to: { pod: "shop/api" }, port: 80 });
    expect(p).to.deep.equal({
      kind: "denied",
      egress: { kind: "denied", isolatedBy: ["shop/egress-only"] },
      ingress: { kind: "denied", isolatedBy: ["shop/c-deny"] },
    });
  });
});
