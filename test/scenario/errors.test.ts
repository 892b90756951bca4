import { expect } from "chai";
import { formatProblem } from "../../src/user-error.ts";
import { FILE, lineOf, problem, problems, SHOP } from "./helpers.ts";

const withExpect = (...lines: string[]): string => `${SHOP}expect:\n  allow:\n${lines.map((l) => `    - ${l}\n`).join("")}`;

describe("scenario errors", () => {
  it("an unknown workload in a statement, with a did-you-mean", () => {
    const text = withExpect("web -> api", "web -> dbb:5432");
    const p = problem(text);
    expect(p).to.deep.include({ file: FILE, line: lineOf(text, "dbb"), column: 7, field: "expect.allow[1]", message: 'unknown workload "dbb"' });
    expect(p.hint).to.match(/^did you mean "db"\?/);
  });

  it("a short name that matches two workloads is ambiguous", () => {
    const text = SHOP.replace("  monitoring: {}", "  monitoring: {}\n  other: {}") + "  other/web:\n    ports: [80]\n" + "expect:\n  allow:\n    - api -> web\n";
    const p = problem(text);
    expect(p.line).to.equal(lineOf(text, "api -> web"));
    expect(p.message).to.equal('"web" is ambiguous: it matches shop/web and other/web');
  });

  it("a statement that does not parse explains the grammar", () => {
    const text = withExpect("web to api");
    const p = problem(text);
    expect(p.line).to.equal(lineOf(text, "web to api"));
    expect(p.message).to.contain('exactly one "->"');
    expect(p.hint).to.contain("<from> -> <target>[:<port>][/<proto>]");
  });

  it("a workload to itself", () => {
    expect(problem(withExpect("web -> web:80")).message).to.contain("hairpin");
  });

  it("cluster DNS as a source", () => {
    expect(problem(withExpect("coredns -> web")).message).to.equal("kube-system/coredns is not created by netproof, so it cannot be a source");
  });

  it("an unknown external name and an unknown named port", () => {
    const text = withExpect("web -> external:paymnts:443", "web -> api:grpc");
    const list = problems(text);
    expect(list.map((p) => [p.line, p.message])).to.deep.equal([
      [lineOf(text, "paymnts"), 'unknown external "paymnts"'],
      [lineOf(text, "api:grpc"), 'shop/api has no named port "grpc"/TCP'],
    ]);
    expect(list[0]?.hint).to.equal('did you mean "payments"?');
  });

  it("duplicate YAML keys, at the second key", () => {
    const text = SHOP.replace("  shop/db:\n", "  shop/web:\n    ports: [81]\n  shop/db:\n");
    const p = problem(text);
    expect(p).to.deep.include({ file: FILE, line: lineOf(text, "shop/web:", 2), message: 'duplicate key "shop/web"' });
  });

  it("a workload in an undeclared namespace", () => {
    const text = SHOP + "  shpo/cache:\n    ports: [6379]\n";
    const p = problem(text);
    expect(p).to.deep.include({ line: lineOf(text, "shpo/cache"), field: 'workloads["shpo/cache"]' });
    expect(p.message).to.contain('"shpo", which is not declared');
    expect(p.hint).to.equal('did you mean "shop"?');
  });

  describe("bad ports", () => {
    for (const [written, message] of [
      ["0", "a port is a number from 1 to 65535"],
      ["70000", "a port is a number from 1 to 65535"],
      ['"70000/tcp"', "a port is a number from 1 to 65535"],
      ['"80/tcpx"', 'a port is "<port>/<protocol>" with protocol tcp, udp or sctp, e.g. "80/tcp", or a number'],
      ["{ port: 80, protocol: icmp }", "protocol is TCP, UDP or SCTP"],
    ] as const) {
      it(`${written}: ${message}`, () => {
        const text = SHOP.replace("ports: [5432]", `ports:\n      - ${written}`);
        const p = problem(text);
        expect(p.line).to.equal(lineOf(text, `- ${written}`));
        expect(p.field).to.match(/^workloads\["shop\/db"\]\.ports\[0\]/);
        expect(p.message).to.contain(message);
      });
    }

    it("a duplicate port", () => {
      const text = SHOP.replace("ports: [5432]", "ports:\n      - 5432\n      - 5432/tcp");
      const p = problem(text);
      expect(p).to.deep.include({ line: lineOf(text, "- 5432/tcp"), field: 'workloads["shop/db"].ports[1]' });
      expect(p.message).to.equal("duplicate port 5432/TCP: shop/db already serves 5432/TCP");
    });

    it("a port out of range in a statement", () => {
      const text = withExpect("web -> api:70000");
      expect(problem(text)).to.deep.include({ line: lineOf(text, "api:70000"), message: "port 70000 is out of range 1-65535" });
    });

    it("an unknown protocol in a statement", () => {
      expect(problem(withExpect("web -> api:8080/icmp")).message).to.equal('unknown protocol "icmp": use tcp, udp, sctp or http');
    });
  });

  describe("bad addresses", () => {
    it("an external that is not an IP address", () => {
      const text = SHOP.replace("203.0.113.10", "203.0.113.300");
      expect(problem(text)).to.deep.include({ line: lineOf(text, "203.0.113.300"), field: "externals.payments", message: "an external is one IPv4 or IPv6 address" });
    });

    it("a statement address that is not an IP address", () => {
      const text = withExpect("web -> 10.0.0.256:443");
      expect(problem(text)).to.deep.include({ line: lineOf(text, "10.0.0.256"), message: '"10.0.0.256" is not an IPv4 address' });
    });

    it("an address without a port", () => {
      expect(problem(withExpect("web -> 203.0.113.10")).message).to.contain("needs a port");
    });
  });

  describe("unknown fields", () => {
    it("at the top level, with a did-you-mean", () => {
      const text = SHOP + "expcet:\n  default: deny\n";
      const p = problem(text);
      expect(p).to.deep.include({ line: lineOf(text, "expcet"), column: 1, field: "expcet", message: 'unknown field "expcet"' });
      expect(p.hint).to.match(/^did you mean "expect"\?/);
    });

    it("nested, with the list of known fields", () => {
      const text = SHOP.replace("labels: { app: db }", "lables: { app: db }");
      const p = problem(text);
      expect(p).to.deep.include({ line: lineOf(text, "lables"), field: 'workloads["shop/db"].lables' });
      expect(p.hint).to.equal('did you mean "labels"? known fields: labels, ports');
    });

    it("in a long-form port", () => {
      const text = SHOP.replace("name: http", "nmae: http");
      const p = problem(text);
      expect(p).to.deep.include({ line: lineOf(text, "nmae"), field: 'workloads["shop/api"].ports[0].nmae' });
      expect(p.hint).to.match(/^did you mean "name"\?/);
    });
  });

  it("a manifest entry of the wrong shape", () => {
    const text = `${SHOP}manifests:\n  - 42\n  - { file: policies/p.yaml }\n`;
    expect(problems(text).map((p) => [p.line, p.field, p.message, p.hint])).to.deep.equal([
      [lineOf(text, "- 42"), "manifests[0]", "expected a manifest file path, or { inline: <document or list of documents> }", undefined],
      [lineOf(text, "file:"), "manifests[1].inline", "inline is required", undefined],
      [lineOf(text, "file:"), "manifests[1].file", 'unknown field "file"', "known fields: inline"],
    ]);
  });

  it("a misspelt step field", () => {
    const text = `${SHOP}steps:\n  - name: s\n    manifests: { ad: [] }\n`;
    expect(problem(text).hint).to.equal('did you mean "add"? known fields: add, replace, delete');
  });

  it("a missing required field", () => {
    const p = problem(SHOP.replace("description: test scenario\n", ""));
    expect(p).to.deep.include({ line: 1, field: "description" });
    expect(p.message).to.contain("description is required");
  });

  it("a label value that is a number says to quote it", () => {
    const text = SHOP.replace("labels: { app: db }", "labels: { app: db, v: 2 }");
    const p = problem(text);
    expect(p).to.deep.include({ line: lineOf(text, "v: 2"), field: 'workloads["shop/db"].labels.v' });
    expect(p.message).to.contain('quote numbers and booleans, e.g. v: "2"');
  });

  it("reports several problems at once", () => {
    const text = SHOP.replace("ports: [80/tcp]", "ports: [0]").replace("ports: [5432]", "portz: [5432]");
    expect(problems(text).map((p) => p.line)).to.deep.equal([lineOf(text, "ports: [0]"), lineOf(text, "portz")]);
  });

  it("formats as file:line:column: field: message", () => {
    const text = withExpect("web -> dbb");
    expect(formatProblem(problem(text))).to.match(new RegExp(`^scenarios/test.yaml:${lineOf(text, "dbb")}:7: expect.allow\\[0\\]: unknown workload "dbb"\\n  hint: did you mean "db"\\?`));
  });

  it("an undeclared namespace in a group and kube-system declared by the user", () => {
    expect(problem(withExpect("shp/* -> web")).hint).to.equal('did you mean "shop"?');
    const text = SHOP.replace("  monitoring: {}", "  kube-system: {}");
    expect(problem(text)).to.deep.include({ line: lineOf(text, "kube-system") });
  });

  it("a step that changes an undeclared namespace or unknown workload, and a duplicate step name", () => {
    const text = `${SHOP}steps:\n  - name: one\n    namespaces: { nope: { labels: {} } }\n    workloads: { wbe: { labels: {} } }\n  - name: one\n`;
    const list = problems(text);
    expect(list.map((p) => [p.line, p.message])).to.deep.equal([
      [lineOf(text, "nope"), 'namespace "nope" is not declared in the scenario'],
      [lineOf(text, "wbe"), 'unknown workload "wbe"'],
      [lineOf(text, "- name: one", 2), 'duplicate step name "one"'],
    ]);
  });
});
