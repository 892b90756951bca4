import { expect } from "chai";
import { parseStatement } from "../../src/scenario/statement.ts";

const ok = (text: string): unknown => {
  const r = parseStatement(text);
  if (!r.ok) throw new Error(r.message);
  return r.statement;
};
const error = (text: string): string => {
  const r = parseStatement(text);
  if (r.ok) throw new Error(`parsed: ${text}`);
  return r.message;
};

describe("statement grammar", () => {
  it("workload to workload with port and protocol", () => {
    expect(ok("web -> shop/api:8080/TCP")).to.deep.equal({
      from: { kind: "workload", ref: "web" },
      target: { kind: "workloads", pattern: { kind: "workload", ref: "shop/api" } },
      port: 8080,
      proto: "tcp",
    });
  });

  it("groups on both sides, no port", () => {
    expect(ok("* -> shop/*")).to.deep.equal({ from: { kind: "all" }, target: { kind: "workloads", pattern: { kind: "namespace", namespace: "shop" } } });
  });

  it("named ports, services, dns, externals and addresses", () => {
    expect(ok("web -> service:api:http")).to.deep.include({ target: { kind: "service", ref: "api" }, port: "http" });
    expect(ok("web -> dns:kubernetes.default.svc.cluster.local")).to.deep.include({ target: { kind: "dns", name: "kubernetes.default.svc.cluster.local" } });
    expect(ok("api -> external:payments:443/udp")).to.deep.include({ target: { kind: "external-name", name: "payments" }, port: 443, proto: "udp" });
    expect(ok("api -> 203.0.113.10:443")).to.deep.include({ target: { kind: "address", address: "203.0.113.10" }, port: 443 });
    expect(ok("api -> [2001:DB8:0:0::1]:443")).to.deep.include({ target: { kind: "address", address: "2001:db8::1" } });
  });

  it("http with method, path and status", () => {
    expect(ok("web -> api:8080/http POST /orders 201")).to.deep.include({ proto: "http", http: { method: "POST", path: "/orders", status: 201 } });
    expect(ok("web -> api:8080/http")).to.deep.include({ http: { method: "GET", path: "/" } });
  });

  it("tolerates extra spaces", () => {
    expect(ok("  web   ->   api:80  ")).to.deep.include({ port: 80 });
  });

  it("says what is wrong", () => {
    expect(error("web api")).to.contain('exactly one "->"');
    expect(error("web -> ")).to.contain("needs a source and a target");
    expect(error("Web -> api")).to.contain('"Web" is not a source');
    expect(error("web -> dns:bad_name:53")).to.contain("dns:<name> takes no port");
    expect(error("web -> external:payments")).to.contain("needs a port");
    expect(error("web -> external:payments:https")).to.contain("is not a port number");
    expect(error("web -> api:8080 GET /")).to.contain("needs the protocol http");
    expect(error("web -> api:8080/http get /")).to.contain("not an HTTP method");
    expect(error("web -> api:8080/http GET healthz")).to.contain('must start with "/"');
    expect(error("web -> api:8080/http GET / 999")).to.contain("not an HTTP status");
    expect(error("web -> 2001:db8::1:443")).to.contain("in brackets");
    expect(error("web -> [2001:db8::1]")).to.contain("needs a port");
  });
});
