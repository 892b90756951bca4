// `--reuse` against a real Docker engine: a kept node of the profile is found
// by its labels, its kubeconfig read from the node and pointed at the host
// port, the readiness gate run in it, and nothing is removed afterwards. A
// busybox container with a `k3s` script stands in for the kept k3s node.
import { expect } from "chai";
import { execa } from "execa";
import { randomBytes } from "node:crypto";
import { loadProfile, resolveProfile } from "../../src/cluster/k3s/profiles.ts";
import { startK3s } from "../../src/cluster/k3s/start-k3s.ts";
import { ensureFakeK3sImage, ensureKeptNodeImage, FAKE_K3S_IMAGE, KEPT_NODE_IMAGE, leftBehind, removeLeftovers, requireDocker } from "./k3s-support/docker.ts";
import { UserError } from "../../src/user-error.ts";

describe("k3s --reuse: a kept cluster of the same profile (real Docker engine)", function () {
  this.timeout(60_000);
  const runId = `t${randomBytes(4).toString("hex")}`;
  let port: string;

  before(async () => {
    await requireDocker();
    await ensureKeptNodeImage();
    await ensureFakeK3sImage();
    const labels = ["app.kubernetes.io/managed-by=netproof", `netproof.dev/run=${runId}`, "netproof.dev/cluster-profile=k3s-kube-router", "netproof.dev/keep=true", "netproof.dev/role=k3s"];
    await execa("docker", ["run", "-d", "--name", `netproof-${runId}-k3s`, ...labels.flatMap((l) => ["--label", l]), "-p", "127.0.0.1::6443", KEPT_NODE_IMAGE, "sleep", "600"]);
    port = (await execa("docker", ["port", `netproof-${runId}-k3s`, "6443/tcp"])).stdout.split(":").pop()!.trim();
  });
  after(async () => {
    await removeLeftovers(runId);
    await removeLeftovers(`${runId}x`);
  });

  it("runs on it: kubeconfig at the host port, described as reused, left in place by stop()", async () => {
    const lines: string[] = [];
    const cluster = await startK3s(resolveProfile(loadProfile("k3s-kube-router")), { reuse: true, log: (l) => lines.push(l) });
    expect(cluster.kubeconfig).to.include(`server: https://localhost:${port}`).and.include("token: stand-in");
    expect(cluster.description).to.equal(`k3s-kube-router (flannel + kube-router, container netproof-${runId}-k3s), reused`);
    expect(cluster.runId).to.equal(runId);
    expect(lines.join("\n")).to.include(`reusing kept container netproof-${runId}-k3s`);
    await cluster.stop();
    expect((await leftBehind(runId)).containers).to.have.length(1);
  });

  it("a kept cluster of another profile is not reused", async () => {
    const lines: string[] = [];
    // Another profile finds none, so it starts a cluster of its own: here a
    // local image, which stops at the privileged refusal (or, on an engine
    // that allows it, at the missing k3s binary), and leaves nothing.
    const other = { ...resolveProfile(loadProfile("k3s-kube-router")), name: "k3s-other", image: FAKE_K3S_IMAGE };
    const error = await startK3s(other, { reuse: true, log: (l) => lines.push(l), runId: `${runId}x` }).catch((e: unknown) => e);
    expect(lines.join("\n")).to.include("no kept k3s-other cluster; starting a new one");
    expect(error).to.be.instanceOf(UserError);
    expect(await leftBehind(`${runId}x`)).to.deep.equal({ containers: [], networks: [] });
    expect((await leftBehind(runId)).containers).to.have.length(1);
  });
});

describe("k3s --keep: what it prints", () => {
  it("writes the kubeconfig (mode 600) and says how to reach, reuse and remove the cluster", async () => {
    const { announceKept } = await import("../../src/cluster/k3s/kept-clusters.ts");
    const { mkdtempSync, readFileSync, rmSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "netproof-keep-"));
    try {
      const lines: string[] = [];
      announceKept((l) => lines.push(l), "k3s-calico", "1a2b3c4d", "netproof-1a2b3c4d-k3s", "netproof-1a2b3c4d", "kubeconfig text", dir);
      const file = join(dir, "kept", "k3s-calico.kubeconfig");
      expect(readFileSync(file, "utf8")).to.equal("kubeconfig text");
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(lines).to.deep.equal([
        "netproof: kept the k3s-calico cluster (container netproof-1a2b3c4d-k3s)",
        `  reach it:   kubectl --kubeconfig ${file} get pods -A`,
        "  run on it:  add --reuse",
        "  remove it:  docker rm -f $(docker ps -aq --filter label=netproof.dev/run=1a2b3c4d) && docker network rm netproof-1a2b3c4d",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
