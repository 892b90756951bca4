// netproof as a user gets it: `npm pack`, then `npm install ./netproof-<v>.tgz`
// in another project, then `npx netproof ...` from a folder of that project.
// Offline: the project starts with only netproof's runtime dependencies (copied
// from this checkout), so a run-time import of a dev dependency fails here.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { execa } from "execa";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The environment of a shell, not of the `npm test` this runs under. */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"));
  return { ...env, NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

function runtimeDependencies(): string[] {
  const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([key, info]) => key.startsWith("node_modules/") && info.dev !== true && info.devOptional !== true)
    .map(([key]) => key)
    // Optional dependencies for other platforms are in the lock but not installed.
    .filter((key) => existsSync(path.join(root, key)));
}

describe("cli: netproof installed from its packed tarball", function () {
  this.timeout(120_000);
  let dir: string;
  let project: string;
  let tarball: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-pack-"));
    const packed = await execa("npm", ["pack", "--pack-destination", dir, "--json"], { cwd: root, env: userEnv() });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (!info) throw new Error(`npm pack said nothing: ${packed.stdout}`);
    tarball = path.join(dir, info.filename);
    files = info.files.map((f) => f.path);

    project = path.join(dir, "project");
    mkdirSync(path.join(project, "checks", "policies"), { recursive: true });
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", private: true }));
    for (const dep of runtimeDependencies()) cpSync(path.join(root, dep), path.join(project, dep), { recursive: true });
    await execa("npm", ["install", "--offline", tarball], { cwd: project, env: userEnv() });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  let files: string[] = [];

  it("the tarball holds the build and the scenario library, not the sources or tests", () => {
    expect(files).to.include.members(["dist/cli/main.js", "dist/probe/runner.sh", "clusters/k3s-calico.yaml", "scenarios/three-tier.yaml", "scenarios/policies/three-tier-default-deny.yaml", "package.json"]);
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).to.deep.equal([]);
  });

  it("npx netproof scenario three-tier --plan works from a folder of the project", async () => {
    const r = await execa("npx", ["--offline", "netproof", "scenario", "three-tier", "--plan"], { cwd: path.join(project, "checks"), env: userEnv(), reject: false });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/plan: \d+ cells, \d+ agree, 0 disagree, 0 invalid/);
    expect(r.stderr).to.equal("");
  });

  it("a relative scenario path resolves against the caller's folder, its manifests against the scenario", async () => {
    const checks = path.join(project, "checks");
    writeFileSync(
      path.join(checks, "policies", "deny.yaml"),
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: app }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n",
    );
    writeFileSync(
      path.join(checks, "mine.yaml"),
      "description: mine\nnamespaces: { app: {} }\nworkloads:\n  app/a: { ports: [80] }\n  app/b: { ports: [80] }\nmanifests: [policies]\nexpect: { default: deny }\n",
    );
    const r = await execa("npx", ["--offline", "netproof", "scenario", "./mine.yaml", "--plan"], { cwd: checks, env: userEnv(), reject: false });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/plan: 2 cells, 2 agree/);
    const missing = await execa("npx", ["--offline", "netproof", "scenario", "nothere/x.yaml", "--plan"], { cwd: checks, env: userEnv(), reject: false });
    expect(missing.exitCode).to.equal(2);
    expect(missing.stderr).to.equal("netproof: nothere/x.yaml: scenario file not found");
  });
});
