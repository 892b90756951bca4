import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { execa } from "execa";
import { callerCwd } from "../../src/cli/main.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("cli: paths on the command line resolve against the caller's folder", function () {
  this.timeout(60_000);

  it("netproof's own npm scripts use INIT_CWD; anything else the working directory", () => {
    const npmRun = { npm_lifecycle_event: "scenario", npm_package_name: "netproof", INIT_CWD: "/home/me/work" };
    expect(callerCwd(npmRun, "/opt/netproof")).to.equal("/home/me/work");
    expect(callerCwd({}, "/home/me/work")).to.equal("/home/me/work");
    // A user's own script that calls netproof is written for its package root, where npm runs it.
    expect(callerCwd({ ...npmRun, npm_package_name: "their-app" }, "/home/me/app")).to.equal("/home/me/app");
  });

  it("npm run scenario from another folder reads ./file there", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netproof-cwd-"));
    try {
      writeFileSync(path.join(dir, "here.yaml"), "description: here\nnamespaces: { app: {} }\nworkloads:\n  app/a: { ports: [80] }\n  app/b: {}\n");
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"));
      const r = await execa("npm", ["--prefix", root, "run", "--silent", "scenario", "--", "./here.yaml", "--plan"], { cwd: dir, env: { ...env, NO_COLOR: "1" }, reject: false });
      expect(r.exitCode, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^here — here$/m);
      expect(r.stdout).to.include(path.join(dir, "here.yaml").replace(/.*\//, ""));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
