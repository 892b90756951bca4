import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { listScenarios, resolveScenario } from "../../src/scenario/library.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { UserError } from "../../src/user-error.ts";

describe("scenario library", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-library-"));
    writeFileSync(path.join(dir, "b-scenario.yaml"), "description: second\nmistake: forgets DNS\nnamespaces: {}\nworkloads: {}\n");
    writeFileSync(path.join(dir, "a-scenario.yaml"), "description: first\nnamespaces: {}\nworkloads: {}\n");
    writeFileSync(path.join(dir, "netproof.schema.json"), "{}");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the YAML files of a folder by name, with description and mistake", () => {
    expect(listScenarios(dir)).to.deep.equal([
      { name: "a-scenario", file: path.join(dir, "a-scenario.yaml"), description: "first" },
      { name: "b-scenario", file: path.join(dir, "b-scenario.yaml"), description: "second", mistake: "forgets DNS" },
    ]);
  });

  it("resolves a bare name to <dir>/<name>.yaml and a path to itself", () => {
    expect(resolveScenario("a-scenario", dir)).to.equal(path.join(dir, "a-scenario.yaml"));
    const file = path.join(dir, "b-scenario.yaml");
    expect(resolveScenario(file, dir)).to.equal(file);
  });

  it("an unknown name lists the available ones with a did-you-mean", () => {
    try {
      resolveScenario("a-scenaro", dir);
      expect.fail("expected an error");
    } catch (error) {
      expect(error).to.be.instanceOf(UserError);
      const p = (error as UserError).problems[0];
      expect(p?.message).to.equal('unknown scenario "a-scenaro"');
      expect(p?.hint).to.equal('did you mean "a-scenario"? available: a-scenario, b-scenario');
    }
  });

  it("a --dir that is not a folder is a UserError naming the flag, not a crash", () => {
    for (const bad of [path.join(dir, "missing"), path.join(dir, "a-scenario.yaml")]) {
      expect(() => listScenarios(bad)).to.throw(UserError, `${bad} is not a folder of scenarios`);
    }
  });

  it("a missing scenario file is a UserError naming it", () => {
    expect(() => loadScenario(path.join(dir, "nope.yaml"))).to.throw(UserError, "scenario file not found");
  });
});

describe("scenarios/three-tier.yaml", () => {
  it("loads, with its policies from scenarios/policies, and declares each tier reaching only the next", () => {
    const plan = loadScenario("scenarios/three-tier.yaml");
    expect(plan.scenario.name).to.equal("three-tier");
    expect(plan.warnings).to.deep.equal([]);
    const [initial] = plan.phases;
    expect(initial?.manifests.map((m) => m.id)).to.deep.equal([
      "NetworkPolicy/shop/default-deny",
      "NetworkPolicy/shop/allow-dns-egress",
      "NetworkPolicy/shop/web-from-anywhere",
      "NetworkPolicy/shop/web-to-api",
      "NetworkPolicy/shop/api-from-web",
      "NetworkPolicy/shop/api-to-db",
      "NetworkPolicy/shop/db-from-api",
    ]);
    const allowed = initial?.cells.filter((c) => c.declared.kind === "allow").map((c) => c.key);
    expect(allowed).to.deep.equal([
      "shop/web -> shop/api:8080/TCP",
      "shop/api -> shop/db:5432/TCP",
      "monitoring/prober -> shop/web:80/TCP",
      "shop/web -> dns:kubernetes.default.svc.cluster.local",
      "shop/api -> dns:kubernetes.default.svc.cluster.local",
      "shop/db -> dns:kubernetes.default.svc.cluster.local",
      "monitoring/prober -> dns:kubernetes.default.svc.cluster.local",
    ]);
    expect(initial?.cells.every((c) => c.declared.kind !== "oracle")).to.equal(true);
  });
});
