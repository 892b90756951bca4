// Externals on a k3s profile, for real in Docker: the server containers the
// adapter starts, the route it adds in the node, and a probe from the node
// that reaches a netproof server at a documentation address. A busybox
// container stands in for the k3s node (which cannot run here); everything
// stays on a Docker network of this machine.
import { expect } from "chai";
import Dockerode from "dockerode";
import { execa } from "execa";
import { randomBytes } from "node:crypto";
import { startExternals } from "../../src/cluster/k3s/externals-containers.ts";
import { removeRun, runLabels } from "../../src/cluster/k3s/docker-resources.ts";
import { execInContainer } from "../../src/cluster/k3s/docker-exec.ts";
import { ensureServerImage, leftBehind, removeLeftovers, requireDocker, SERVER_IMAGE } from "./k3s-support/docker.ts";

describe("k3s externals: server containers on the cluster's Docker network (real Docker engine)", function () {
  this.timeout(90_000);
  const docker = new Dockerode();
  const runId = `t${randomBytes(4).toString("hex")}`;
  const network = `netproof-${runId}`;
  const labels = runLabels(runId, "k3s-calico", false);
  let node: string;

  before(async () => {
    process.env["TESTCONTAINERS_RYUK_DISABLED"] ??= "true";
    await requireDocker();
    await ensureServerImage();
    await docker.createNetwork({ Name: network, Labels: labels });
    const c = await docker.createContainer({
      Image: SERVER_IMAGE,
      name: `${network}-node`,
      Cmd: ["sleep", "600"],
      Labels: { ...labels, "netproof.dev/role": "k3s" },
      HostConfig: { NetworkMode: network, CapAdd: ["NET_ADMIN"] },
    });
    await c.start();
    node = c.id;
  });
  after(async () => {
    await removeLeftovers(runId);
  });

  it("serves each IPv4 address with the pod-style identity; IPv6 stays unserved; removal by the run label", async () => {
    const provided = await startExternals(
      docker,
      node,
      [
        { address: "203.0.113.10", ports: [{ port: 8080, protocol: "TCP" }], identity: "external/payments" },
        { address: "2001:db8::10", ports: [{ port: 443, protocol: "TCP" }], identity: "external/v6" },
        { address: "198.51.100.7", ports: [{ port: 80, protocol: "TCP" }, { port: 53, protocol: "UDP" }], identity: "external/api" },
      ],
      { image: SERVER_IMAGE, network, runId, labels },
    );
    expect(provided.served).to.deep.equal(["203.0.113.10", "198.51.100.7"]);

    const routes = await execInContainer(docker, node, ["ip", "route"]);
    expect(routes.stdout).to.match(/^203\.0\.113\.10 via \S+ dev eth0/m).and.match(/^198\.51\.100\.7 via \S+ dev eth0/m);

    // An HTTP request from the node, the way a pod's probe reaches the address.
    const get = (target: string, path: string) =>
      execInContainer(docker, node, ["sh", "-c", 'printf "GET %s HTTP/1.0\\r\\n\\r\\n" "$1" | socat -T 5 - "TCP4:$2"', "probe", path, target]);
    const http = await get("203.0.113.10:8080", "/");
    expect(http.exitCode, http.stderr).to.equal(0);
    expect(http.stdout).to.match(/^HTTP\/1\.0 200 OK\r$/m).and.match(/^X-Netproof-Pod: external\/payments\r$/m);
    const other = await get("198.51.100.7:80", "/status/503");
    expect(other.stdout).to.match(/^HTTP\/1\.0 503 /m).and.match(/^X-Netproof-Pod: external\/api\r$/m);

    const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`netproof.dev/run=${runId}`, "netproof.dev/role=external"] }) });
    expect(containers.map((c) => c.Names[0]).sort()).to.deep.equal([`/${network}-external-0`, `/${network}-external-2`]);
    const inspect = await docker.getContainer(containers[0]!.Id).inspect();
    expect(inspect.HostConfig.CapAdd).to.deep.equal(["NET_ADMIN"]);
    expect(inspect.HostConfig.Privileged).to.equal(false);

    expect(await removeRun(docker, runId)).to.deep.equal({ containers: 3, networks: 1 });
    expect(await leftBehind(runId)).to.deep.equal({ containers: [], networks: [] });
    expect(await removeRun(docker, runId)).to.deep.equal({ containers: 0, networks: 0 });
  });
});
