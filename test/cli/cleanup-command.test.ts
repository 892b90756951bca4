// `netproof cleanup --kubeconfig F`: leftovers of runs that died, listed by
// run, removed after confirmation or with --yes; never another run's or the
// cluster's own namespaces. Through client-node against the API stand-in.
import { expect } from "chai";
import { connectKubeconfig } from "../../src/cluster/kubernetes/index.ts";
import { cleanupCommand, type CleanupIo } from "../../src/cli/cleanup-command.ts";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL } from "../../src/cluster/port.ts";
import { startStandIn, type RunningStandIn } from "../api-standin/fixture.ts";
import { exitOf, netproofChild } from "../e2e/kubeconfig-support.ts";

describe("netproof cleanup", function () {
  this.timeout(30_000);
  let s: RunningStandIn;
  beforeEach(async () => {
    s = await startStandIn();
    // A run that died: its namespaces carry netproof's labels, whatever their names.
    const dead = await connectKubeconfig({ file: s.kubeconfig, runId: "np-dead01" });
    const owned = { [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: "np-dead01" };
    await dead.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "np-dead01-shop", labels: owned } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "np-dead01-monitoring", labels: owned } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "theirs", labels: owned } },
    ]);
    // A namespace netproof did not make, though it looks like one of its names.
    s.standIn.store.put(s.standIn.resources.find("", "v1", "namespaces")!, { apiVersion: "v1", kind: "Namespace", metadata: { name: "np-lookalike" } });
  });
  afterEach(async () => s?.stop());

  const io = (confirm?: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    const value: CleanupIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      ...(confirm !== undefined ? { confirm: async () => confirm } : {}),
    };
    return { value, out, err };
  };

  it("without a terminal and without --yes: lists the leftovers by run, removes nothing, exit 1 with a hint", async () => {
    const { value, out, err } = io();
    expect(await cleanupCommand({ kubeconfig: s.kubeconfig }, value)).to.equal(1);
    expect(out.join("")).to.match(/^leftovers of 1 netproof run:\n {2}run np-dead01, started \d+ min ago: np-dead01-monitoring, np-dead01-shop, theirs\n$/);
    expect(err.join("")).to.include("hint: run again with --yes");
    expect(s.standIn.userNamespaces()).to.include.members(["np-dead01-shop", "np-dead01-monitoring", "theirs", "np-lookalike"]);
  });

  it("asks on a terminal: no keeps them, yes removes exactly the run's namespaces", async () => {
    const no = io(false);
    expect(await cleanupCommand({ kubeconfig: s.kubeconfig }, no.value)).to.equal(1);
    expect(s.standIn.userNamespaces()).to.have.length(4);
    const yes = io(true);
    expect(await cleanupCommand({ kubeconfig: s.kubeconfig }, yes.value)).to.equal(0);
    expect(s.standIn.userNamespaces()).to.deep.equal(["np-lookalike"]);
  });

  it("--yes from the command line removes them; a second run finds nothing", async () => {
    const child = netproofChild(["cleanup", "--kubeconfig", s.kubeconfig, "--yes"]);
    const code = await exitOf(child);
    expect(child.output.stderr.split("\n")[0]).to.match(/^netproof: kubeconfig \S+, context lab \(the file's current context\), server http:/);
    expect(child.output.stdout).to.include("removed np-dead01-monitoring, np-dead01-shop, theirs");
    expect(code, child.output.stderr).to.equal(0);
    expect(s.standIn.userNamespaces()).to.deep.equal(["np-lookalike"]);
    const again = io();
    expect(await cleanupCommand({ kubeconfig: s.kubeconfig }, again.value)).to.equal(0);
    expect(again.out.join("")).to.equal("no leftovers of netproof runs\n");
  });
});
