import { expect } from "chai";
import { explainBringUpError } from "../../src/cluster/k3s/docker-errors.ts";
import { checkServedApis } from "../../src/cluster/k3s/api-groups.ts";
import { loadProfile, resolveProfile } from "../../src/cluster/k3s/profiles.ts";
import { UserError } from "../../src/user-error.ts";

const ctx = { image: "rancher/k3s:v1.33.5-k3s1@sha256:" + "f".repeat(64), dockerHost: "unix:///var/run/docker.sock" };

describe("k3s bring-up errors a user can act on", () => {
  it("the registry not reachable (the raw testcontainers message seen on these machines)", () => {
    const raw = new Error('(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: no such host');
    const e = explainBringUpError(raw, ctx)!;
    expect(e.message).to.include(`image ${ctx.image} is not on this machine and could not be pulled: the registry was not reachable`);
    expect(e.message).to.include("https://registry-1.docker.io/v2/").and.include("no such host").and.include("--kubeconfig").and.include("--plan");
    expect(e.message).to.not.include("HTTP code 500");
  });

  it("an image the registry does not have", () => {
    const e = explainBringUpError(new Error("(HTTP code 404) unexpected - manifest unknown: manifest unknown"), ctx)!;
    expect(e.message).to.include("the registry does not have it");
  });

  it("a privileged container refused (this sandbox, rootless Docker, Podman without privileges)", () => {
    const raw = new Error("(HTTP code 500) server error - failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown");
    const e = explainBringUpError(raw, ctx)!;
    expect(e.message).to.include("refused a privileged container (unable to apply caps: operation not permitted: unknown); k3s needs one");
    expect(e.message).to.include("rootless Docker");
  });

  it("no engine; anything else stays a bug with its stack", () => {
    expect(explainBringUpError(new Error("Could not find a working container runtime strategy"), ctx)!.message).to.include("no Docker engine answers at unix:///var/run/docker.sock");
    expect(explainBringUpError(new TypeError("x is undefined"), ctx)).to.equal(undefined);
  });
});

describe("Calico's own API (projectcalico.org/v3) per profile", () => {
  const gnp = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "deny-all" } };
  const knp = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "d", namespace: "x" } };

  it("k3s-calico serves it (through Calico's API server)", () => {
    expect(() => checkServedApis(resolveProfile(loadProfile("k3s-calico"), { env: {} }), [gnp, knp])).to.not.throw();
  });

  it("k3s-kube-router does not, and says which profile does", () => {
    expect(() => checkServedApis(resolveProfile(loadProfile("k3s-kube-router")), [knp])).to.not.throw();
    expect(() => checkServedApis(resolveProfile(loadProfile("k3s-kube-router")), [gnp])).to.throw(UserError, "GlobalNetworkPolicy deny-all (projectcalico.org/v3): cluster profile k3s-kube-router does not serve projectcalico.org/v3");
  });

  it("crd.projectcalico.org (Calico's internal storage) is refused everywhere", () => {
    const internal = { ...gnp, apiVersion: "crd.projectcalico.org/v1" };
    expect(() => checkServedApis(resolveProfile(loadProfile("k3s-calico"), { env: {} }), [internal])).to.throw(UserError, "write apiVersion: projectcalico.org/v3");
  });
});

describe("k3s that does not come up", () => {
  it("names the line it waited for, the time, and shows the node's last log lines", () => {
    const raw = new Error('Log message "k3s is up and running" not received after 120000ms');
    const e = explainBringUpError(raw, { ...ctx, logTail: 'level=fatal msg="failed to evacuate root cgroup"\n' })!;
    expect(e.message).to.include('k3s did not log "k3s is up and running" within 120 s; its last lines:\n    level=fatal msg="failed to evacuate root cgroup"');
  });

  it("a container that stopped before logging it", () => {
    const e = explainBringUpError(new Error('Log stream ended and message "Node controller sync successful" was not received'), ctx)!;
    expect(e.problems[0]?.message).to.equal('k3s did not log "Node controller sync successful" before its container stopped');
  });
});

describe("container log frames", () => {
  it("joins the engine's framed stdout and stderr chunks", async () => {
    const { demuxFrames } = await import("../../src/cluster/k3s/docker-exec.ts");
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demuxFrames(Buffer.concat([frame(1, "one\n"), frame(2, "two\n")]))).to.equal("one\ntwo\n");
    expect(demuxFrames(Buffer.from("plain text\n"))).to.equal("plain text\n");
  });
});

describe("an image that is not k3s", () => {
  it("says so instead of the engine's exec error", () => {
    const raw = new Error('(HTTP code 400) unexpected - failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "server": executable file not found in $PATH: unknown');
    const e = explainBringUpError(raw, ctx)!;
    expect(e.problems[0]?.message).to.match(/^image rancher\/k3s\S+ does not run k3s \(exec: "?server/);
  });
});
