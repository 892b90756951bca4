// The k3s bring-up's failure paths against a real Docker engine (.ci/run
// starts one). No image can be pulled here and privileged containers are
// refused, so each path is the real one a user meets; every test checks the
// message (what is missing, what to do, no stack) and that nothing of the
// run is left in Docker.
import { expect } from "chai";
import { execa, type ResultPromise } from "execa";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProfile, resolveProfile, type ResolvedProfile } from "../../src/cluster/k3s/profiles.ts";
import { ensureFakeK3sImage, FAKE_K3S_IMAGE, leftBehind, removeLeftovers, requireDocker } from "./k3s-support/docker.ts";
import { HoldingDockerProxy } from "./k3s-support/holding-docker-proxy.ts";
import { cacheAbridgedManifests } from "./k3s-support/cached-manifests.ts";
import { engineRefusesPrivileged } from "./k3s-support/docker.ts";

const CHILD = fileURLToPath(new URL("./k3s-support/bring-up-child.ts", import.meta.url));

describe("k3s bring-up failure paths (real Docker engine)", function () {
  this.timeout(60_000);
  let work: string;
  let cache: string;
  const runs: string[] = [];

  before(async () => {
    await requireDocker();
    await ensureFakeK3sImage();
    work = mkdtempSync(join(tmpdir(), "netproof-k3s-test-"));
    cache = join(work, "cache");
  });
  afterEach(async () => {
    for (const run of runs.splice(0)) await removeLeftovers(run);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const newRun = (): string => {
    const id = `t${randomBytes(4).toString("hex")}`;
    runs.push(id);
    return id;
  };

  /** The profile as netproof would run it, its Calico manifests already cached (no internet here). */
  function profile(name: string, image?: string): string {
    const resolved = resolveProfile(loadProfile(name), { env: {} });
    cacheAbridgedManifests(cache, resolved);
    const file = join(work, `${name}-${image ? "local" : "real"}.json`);
    const chosen: ResolvedProfile = image ? { ...resolved, name: `${name}-test`, image } : resolved;
    writeFileSync(file, JSON.stringify(chosen));
    return file;
  }

  function bringUp(profileFile: string, runId: string, env: Record<string, string> = {}): ResultPromise<{ reject: false; all: true }> {
    return execa(process.execPath, ["--import", "tsx", CHILD, profileFile, runId, cache], { reject: false, all: true, env: { ...process.env, ...env } });
  }

  function expectUserMessage(stderr: string, ...needles: string[]): void {
    const message = stderr.split("\n").filter((l) => !l.startsWith("netproof: k3s [")).join("\n");
    for (const n of needles) expect(message).to.include(n);
    expect(message).to.include("--kubeconfig").and.include("--plan");
    expect(stderr).to.not.match(/^\s+at /m);
    expect(stderr).to.not.include("internal error");
  }

  it("no Docker engine: says so, names DOCKER_HOST, points to --kubeconfig and --plan", async () => {
    const dead = join(work, "no-engine.sock");
    const run = newRun();
    const r = await bringUp(profile("k3s-calico"), run, { DOCKER_HOST: `unix://${dead}` });
    expect(r.exitCode).to.equal(2);
    expectUserMessage(r.stderr, `no Docker engine answers at unix://${dead}`, "start Docker");
    expect(await leftBehind(run)).to.deep.equal({ containers: [], networks: [] });
  });

  for (const name of ["k3s-calico", "k3s-kube-router"]) {
    it(`${name}: the k3s image absent and not pullable: names the image, says the registry was not reachable`, async () => {
      const run = newRun();
      // A registry on a loopback port where nothing listens: the engine really
      // tries to pull and really fails, on any machine, and no lookup or packet
      // leaves the machine (127.0.0.0/8 registries are spoken to over plain HTTP).
      const image = `127.0.0.1:9/netproof/k3s:v1.33.5-k3s1@sha256:${"0".repeat(64)}`;
      const r = await bringUp(profile(name, image), run);
      expect(r.exitCode).to.equal(2);
      expectUserMessage(r.stderr, `image ${image} is not on this machine and could not be pulled: the registry was not reachable`, "connection refused");
      expect(r.stderr).to.not.include("HTTP code");
      expect(await leftBehind(run)).to.deep.equal({ containers: [], networks: [] });
    });
  }

  it("a privileged container refused: says k3s needs one and where that happens", async () => {
    const run = newRun();
    // This sandbox refuses privileged containers itself; an engine that runs
    // them (a CI runner) gets the same refusal from the proxy instead.
    const refuses = await engineRefusesPrivileged();
    const proxy = new HoldingDockerProxy(join(work, `${run}.sock`), "refuse-privileged");
    await proxy.listen();
    try {
      const env: Record<string, string> = refuses ? {} : { DOCKER_HOST: `unix://${proxy.path}` };
      const r = await bringUp(profile("k3s-calico", FAKE_K3S_IMAGE), run, env);
      expect(r.exitCode).to.equal(2);
      expectUserMessage(r.stderr, "the Docker engine refused a privileged container (unable to apply caps: operation not permitted", "k3s needs one", "rootless Docker");
      expect(await leftBehind(run)).to.deep.equal({ containers: [], networks: [] });
    } finally {
      await proxy.close();
    }
  });

  const signals = [
    { profile: "k3s-calico", signal: "SIGINT" as const, code: 130 },
    { profile: "k3s-kube-router", signal: "SIGTERM" as const, code: 143 },
    { profile: "k3s-no-policy", signal: "SIGINT" as const, code: 130 },
  ];
  for (const { profile: name, signal, code } of signals) {
    it(`${name}: ${signal} during start-up removes the container and network, exit ${code}; the container was the profile's`, async () => {
      const run = newRun();
      const proxy = new HoldingDockerProxy(join(work, `${run}.sock`));
      await proxy.listen();
      try {
        const held = new Promise<string>((resolve) => proxy.once("held", resolve));
        const child = bringUp(profile(name, FAKE_K3S_IMAGE), run, { DOCKER_HOST: `unix://${proxy.path}` });
        const id = await Promise.race([held, child.then((r) => Promise.reject(new Error(`bring-up ended before starting its container:\n${r.all}`)))]);

        // The container the profile defines, as the engine created it.
        const [info] = JSON.parse((await execa("docker", ["inspect", id])).stdout) as [
          { Config: { Cmd: string[]; Image: string; Labels: Record<string, string> }; HostConfig: { Privileged: boolean; CgroupnsMode: string; NetworkMode: string; Binds: string[]; Tmpfs: Record<string, string> } },
        ];
        const expected = resolveProfile(loadProfile(name), { env: {} });
        expect(info.Config.Cmd).to.deep.equal(expected.args);
        expect(info.Config.Image).to.equal(FAKE_K3S_IMAGE);
        expect(info.Config.Labels).to.deep.include({ "netproof.dev/run": run, "app.kubernetes.io/managed-by": "netproof", "netproof.dev/role": "k3s", "netproof.dev/keep": "false" });
        expect(info.HostConfig).to.deep.include({ Privileged: true, CgroupnsMode: "host", NetworkMode: `netproof-${run}` });
        expect(info.HostConfig.Binds).to.include("/sys/fs/cgroup:/sys/fs/cgroup:rw");
        expect(info.HostConfig.Tmpfs).to.have.keys("/run", "/var/run");
        expect((await leftBehind(run)).networks).to.have.length(1);

        child.kill(signal);
        const r = await child;
        expect(r.exitCode, `${r.signal ?? ""} ${r.all}`).to.equal(code);
        expect(r.stderr).to.include(`${signal}: removing the k3s cluster of run ${run}`);
        expect(await leftBehind(run)).to.deep.equal({ containers: [], networks: [] });
      } finally {
        await proxy.close();
      }
    });
  }
});
