import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { loadScenario } from "../../src/scenario/load.ts";
import { FILE, lineOf, load, phase, problem, SHOP } from "./helpers.ts";

const policy = (name: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: ${name}, namespace: shop }\nspec: { podSelector: {} }\n`;
const json = (name: string): string =>
  JSON.stringify({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: shop() }, spec: { podSelector: {} } });
const shop = () => "shop";

describe("scenario manifests: folders", () => {
  it("a folder entry reads its .yaml, .yml and .json files in name order, not its subfolders", () => {
    const plan = load(`${SHOP}manifests:\n  - policies\n`, {
      "scenarios/policies/20-b.yml": policy("b"),
      "scenarios/policies/10-a.yaml": policy("a") + "---\n" + policy("a2"),
      "scenarios/policies/30-c.json": json("c"),
      "scenarios/policies/README.md": "not a manifest",
      "scenarios/policies/old/40-d.yaml": policy("d"),
    });
    expect(phase(plan).manifests.map((m) => m.id)).to.deep.equal([
      "NetworkPolicy/shop/a",
      "NetworkPolicy/shop/a2",
      "NetworkPolicy/shop/b",
      "NetworkPolicy/shop/c",
    ]);
    expect(phase(plan).manifests.map((m) => m.origin.file)[3]).to.equal("scenarios/policies/30-c.json");
  });

  it("a folder without manifest files is an error at the entry", () => {
    const text = `${SHOP}manifests:\n  - policies\n`;
    const p = problem(text, { "scenarios/policies/notes.txt": "x" });
    expect(p).to.deep.include({ file: FILE, line: lineOf(text, "- policies"), field: "manifests[0]" });
    expect(p.message).to.equal("manifest folder scenarios/policies holds no .yaml, .yml, .json file");
  });

  it("a broken file in a folder is reported at its own line", () => {
    const p = problem(`${SHOP}manifests:\n  - policies\n`, { "scenarios/policies/a.yaml": policy("a"), "scenarios/policies/b.yaml": "kind: [\n" });
    expect(p.file).to.equal("scenarios/policies/b.yaml");
    expect(p.message).to.match(/^YAML: /);
  });

  it("on disk: a folder next to the scenario, and a subfolder that is skipped", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netproof-folder-"));
    try {
      mkdirSync(path.join(dir, "policies", "drafts"), { recursive: true });
      writeFileSync(path.join(dir, "policies", "b.yaml"), policy("b"));
      writeFileSync(path.join(dir, "policies", "a.json"), json("a"));
      writeFileSync(path.join(dir, "policies", "drafts", "c.yaml"), policy("c"));
      writeFileSync(path.join(dir, "scenario.yaml"), `${SHOP}manifests:\n  - policies\n`);
      const plan = loadScenario(path.join(dir, "scenario.yaml"));
      expect(phase(plan).manifests.map((m) => m.id)).to.deep.equal(["NetworkPolicy/shop/a", "NetworkPolicy/shop/b"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
