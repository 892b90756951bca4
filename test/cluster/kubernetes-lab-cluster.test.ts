// `npm run lab-cluster` by hand, as a user would: it writes its kubeconfig once
// it serves, kubectl works against it, and SIGTERM removes the kubeconfig, the
// lab and everything the run put there.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { execa } from "execa";
import { listLeftovers } from "../lab/leftovers.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { assertKubectls, kubectlPath } from "../support/kubectl.ts";

const KUBECTL = kubectlPath("1.33");

describe("npm run lab-cluster", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    assertLabUsable();
    assertKubectls(["1.33"]);
    dir = mkdtempSync(join(tmpdir(), "netproof-lab-cluster-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("serves until SIGTERM, then leaves no kubeconfig and no lab behind", async () => {
    const kubeconfig = join(dir, "kubeconfig");
    const child = execa("node_modules/.bin/tsx", ["test/api-standin/main.ts", "--kubeconfig", kubeconfig], { reject: false });
    try {
      const deadline = Date.now() + 30_000;
      while (!existsSync(kubeconfig) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(kubeconfig), "the kubeconfig is written once it serves").to.equal(true);
      const manifest = join(dir, "ns.yaml");
      writeFileSync(manifest, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n");
      const applied = await execa(KUBECTL, ["--kubeconfig", kubeconfig, "apply", "--server-side", "--validate=false", "-f", manifest]);
      expect(applied.stdout).to.equal("namespace/demo serverside-applied");
      const ns = await execa(KUBECTL, ["--kubeconfig", kubeconfig, "get", "namespaces", "-o", "name"]);
      expect(ns.stdout.split("\n")).to.deep.equal(["namespace/default", "namespace/demo", "namespace/kube-system"]);
    } finally {
      // tsx runs the script in a child node process; SIGTERM reaches it through tsx's relay.
      child.kill("SIGTERM");
    }
    const result = await child;
    expect(result.stdout).to.match(/^lab-cluster: serving http:\/\/127\.0\.0\.1:\d+ \(enforces no NetworkPolicy\)/);
    expect(existsSync(kubeconfig), "the kubeconfig is removed").to.equal(false);
    const prefix = / lab (np-\S+)\*\./.exec(result.stdout)?.[1];
    expect(prefix, "the serving line names the lab").to.be.a("string");
    const left = listLeftovers(prefix!);
    expect([...left.namespaces, ...left.processes.map(String), ...left.etcNetns, ...left.tempDirs]).to.deep.equal([]);
  });
});
