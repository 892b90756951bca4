// `npm run scenario three-tier` with no cluster flag starts the default
// profile, k3s-calico, against the real Docker engine (.ci/run starts one).
// No image can be pulled here: the run must end within seconds with the
// bring-up's message (no stack, exit 2, pointing at --kubeconfig and --plan)
// and leave nothing in Docker. The profile folder is a copy of clusters/
// whose k3s image sits at a loopback registry where nothing listens, so the
// engine really tries to pull and no lookup leaves the machine; the Calico
// manifests come from the test cache (no download).
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CLUSTERS_DIR, loadProfile, resolveProfile } from "../../src/cluster/k3s/profiles.ts";
import { cacheAbridgedManifests } from "../cluster/k3s-support/cached-manifests.ts";
import { leftBehind, removeLeftovers, requireDocker } from "../cluster/k3s-support/docker.ts";
import { exitOf, scenarioChild } from "../e2e/kubeconfig-support.ts";

const UNPULLABLE = `127.0.0.1:9/rancher/k3s:v1.33.5-k3s1@sha256:${"0".repeat(64)}`;

describe("npm run scenario three-tier, no cluster flag (real Docker engine)", function () {
  this.timeout(60_000);
  let work = "";
  let runId: string | undefined;
  before(async () => {
    await requireDocker();
    work = mkdtempSync(join(tmpdir(), "netproof-cli-k3s-"));
  });
  after(async () => {
    if (runId) await removeLeftovers(runId);
    rmSync(work, { recursive: true, force: true });
  });

  it("starts the default profile k3s-calico, fails within seconds with the k3s message, exit 2, nothing left in Docker", async () => {
    const clusters = join(work, "clusters");
    const cache = join(work, "cache");
    mkdirSync(clusters, { recursive: true });
    // Every profile of clusters/ (the folder is loaded whole), the default one's image swapped.
    for (const f of readdirSync(DEFAULT_CLUSTERS_DIR)) {
      const text = readFileSync(join(DEFAULT_CLUSTERS_DIR, f), "utf8");
      writeFileSync(join(clusters, f), f === "k3s-calico.yaml" ? text.replace(/^(\s*image:\s*)rancher\/k3s:\S+$/m, `$1${UNPULLABLE}`) : text);
    }
    const profile = resolveProfile(loadProfile(undefined, clusters), { env: {} });
    expect(profile.name).to.equal("k3s-calico");
    expect(profile.image).to.equal(UNPULLABLE);
    cacheAbridgedManifests(cache, profile);

    const child = scenarioChild(["three-tier"], { env: { NETPROOF_CLUSTERS_DIR: clusters, NETPROOF_CACHE_DIR: cache } });
    const code = await exitOf(child);
    const { stderr } = child.output;
    runId = /network netproof-(np-[0-9a-f]+)/.exec(stderr)?.[1];
    expect(runId, stderr).to.be.a("string");
    expect(stderr).to.include(`image ${UNPULLABLE} is not on this machine and could not be pulled: the registry was not reachable`);
    expect(stderr).to.include("--kubeconfig").and.include("--plan");
    expect(stderr).to.not.match(/^\s+at /m);
    expect(stderr).to.not.include("internal error");
    expect(code).to.equal(2);
    expect(await leftBehind(runId!)).to.deep.equal({ containers: [], networks: [] });
  });
});
