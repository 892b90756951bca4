import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { loadScenarioText } from "../../src/scenario/load.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("README", () => {
  it("its DSL example is a valid scenario", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Scenarios by example"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example, "a yaml block under 'Scenarios by example'").to.be.a("string");
    const plan = loadScenarioText(path.join(root, "scenarios", "readme-example.yaml"), example ?? "");
    expect(plan.phases.map((p) => p.name)).to.deep.equal(["initial", "relabel-api"]);
    const keys = plan.phases[0]?.cells.map((c) => c.key) ?? [];
    expect(keys).to.include("shop/web -> service:shop/api:8080/TCP");
    expect(keys).to.include("shop/api -> external:203.0.113.10:443/TCP");
  });

  it("names the commands that exist", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    for (const [, script] of readme.matchAll(/npm run (\w[\w-]*)/g)) expect(scripts, `npm run ${script}`).to.include(script);
    expect(readFileSync(path.join(root, ".ci/run"), "utf8")).to.match(/^npm test$/m);
  });
});
