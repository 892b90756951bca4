import { expect } from "chai";
import { escapeForTerminal, escapeJsonForTerminal, formatProblem } from "../../src/user-error.ts";
import { FILE, lineOf, problem, problems, SHOP } from "./helpers.ts";

const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "description: *f",
].join("\n");

describe("scenario YAML from a hostile or careless author", () => {
  it("an alias to no anchor, at the alias", () => {
    const text = `${SHOP}description: *nothing\n`.replace("description: test scenario\n", "");
    expect(problem(text)).to.deep.include({ file: FILE, line: lineOf(text, "*nothing"), message: "YAML: alias *nothing refers to no anchor &nothing before it" });
  });

  it("an alias inside its own anchor", () => {
    const text = "description: x\nnamespaces: &n { a: *n }\nworkloads: {}\n";
    expect(problem(text)).to.deep.include({ line: 2, message: "YAML: alias *n refers to a node that contains it" });
  });

  it("an alias bomb (billion laughs) is refused, naming the first alias", () => {
    const p = problem(BOMB);
    expect(p).to.deep.include({ file: FILE, line: 2 });
    expect(p.message).to.match(/aliases of this document expand too much .*alias bomb/);
  });

  it("a few honest aliases still work", () => {
    const text = SHOP.replace("labels: { app: web }", "labels: &web { app: web }").replace("  shop/db:\n", "  shop/web2: { labels: *web }\n  shop/db:\n");
    expect(() => problems(text)).to.throw(/expected the scenario to fail/);
  });

  it("mapping and alias keys, and nesting beyond the limit", () => {
    expect(problem("? [a, b]\n: 1\n").message).to.equal("YAML: a mapping key must be a plain string or number, not a mapping, list or alias");
    expect(problem("description: x\nnamespaces: &k {}\n*k : 1\n").message).to.match(/mapping key must be a plain/);
    expect(problem("description: " + "[".repeat(100) + "]".repeat(100) + "\n").message).to.equal("YAML: nested deeper than 64 levels");
    // Deeper than the YAML parser's stack: its overflow is caught, and reported once.
    expect(problems("a: " + "[".repeat(20000) + "]".repeat(20000) + "\n").map((p) => p.message)).to.deep.equal(["YAML: nested deeper than 64 levels"]);
  });

  it("YAML types JSON has not (!!binary, !!set) are refused", () => {
    expect(problem("description: x\nnamespaces: !!binary aGVsbG8=\n")).to.deep.include({ line: 2, message: "YAML: a !!binary value is not plain data; use strings, numbers, booleans, lists and mappings" });
    expect(problem("description: !!set { a, b }\n").message).to.match(/is not plain data/);
  });

  it("a duplicated apiVersion or kind hints that a --- is missing", () => {
    const doc = "apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\napiVersion: v1\nkind: Namespace\nmetadata: { name: b }\n";
    const p = problems(`${SHOP}manifests:\n  - ns.yaml\n`, { "scenarios/ns.yaml": doc })[0];
    expect(p).to.deep.include({ file: "scenarios/ns.yaml", line: 4, message: 'duplicate key "apiVersion"' });
    expect(p?.hint).to.match(/is a `---` missing\?/);
  });

  it("control characters from a file are escaped in messages", () => {
    const text = `${SHOP}  "shop/\x1b]0;pwned\x07\u202e":\n    labels: {}\n`;
    const out = problems(text).map(formatProblem).join("\n");
    expect(out).to.include("\\x1b]0;pwned\\x07\\u202e");
    expect(out).not.to.match(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });

  it("escapeJsonForTerminal leaves the same JSON value, with no raw DEL, C1 or direction marks", () => {
    const value = { s: "a\x7f\x9b\u202e\u2028é" };
    const json = escapeJsonForTerminal(JSON.stringify(value));
    expect(json).to.equal('{"s":"a\\u007f\\u009b\\u202e\\u2028é"}');
    expect(JSON.parse(json)).to.deep.equal(value);
  });

  it("escapeForTerminal keeps tab and newline, and everything printable", () => {
    expect(escapeForTerminal("a\tb\nc é ü 日本 \x1b[2J \r \x7f \x9b")).to.equal("a\tb\nc é ü 日本 \\x1b[2J \\x0d \\x7f \\x9b");
  });
});

describe("scenario files at the size limit", function () {
  this.timeout(120_000);

  it("150,000 bad statements: the first 50 problems and a count, not a stack overflow", () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => `    - a${i} -> b`);
    const list = problems(`${SHOP}expect:\n  allow:\n${lines.join("\n")}\n`);
    expect(list).to.have.length(51);
    expect(list[0]?.message).to.equal('unknown workload "a0"');
    expect(list[50]?.message).to.equal("... and more problems: only the first 50 are shown");
  });
});
