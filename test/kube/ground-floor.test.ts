import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

function imports(folder: string): Array<{ file: string; from: string }> {
  const dir = path.join(src, folder);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/^import[^;]*?from "([^"]+)";/gms)].map((m) => ({ file: f, from: m[1] ?? "" })));
}

describe("kube: the ground floor", () => {
  it("src/kube imports no stage, only itself and libraries", () => {
    const outside = imports("kube").filter((i) => i.from.startsWith("..") || i.from.startsWith("/"));
    expect(outside).to.deep.equal([]);
  });

  it("the oracle reaches the scenario stage only where it predicts a plan", () => {
    const reaching = imports("oracle").filter((i) => i.from.includes("/scenario/")).map((i) => i.file);
    expect([...new Set(reaching)]).to.deep.equal(["predict-plan.ts"]);
  });

  it("no stage keeps its own copy of the Kubernetes vocabulary", () => {
    for (const gone of ["scenario/ip.ts", "scenario/network-policy.ts", "oracle/ip.ts", "oracle/selector.ts"]) {
      expect(() => readFileSync(path.join(src, gone)), gone).to.throw();
    }
  });
});
