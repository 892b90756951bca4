import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listProfiles, loadProfile, loadProfileFile, resolveProfile, DEFAULT_CLUSTERS_DIR } from "../../src/cluster/k3s/profiles.ts";
import { UserError } from "../../src/user-error.ts";

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("cluster profiles (clusters/)", () => {
  it("lists the three profiles, k3s-calico the default", () => {
    const list = listProfiles();
    expect(list.map((p) => p.name)).to.deep.equal(["k3s-calico", "k3s-kube-router", "k3s-no-policy"]);
    expect(list.filter((p) => p.isDefault).map((p) => p.name)).to.deep.equal(["k3s-calico"]);
    expect(loadProfile(undefined).name).to.equal("k3s-calico");
  });

  it("pins every k3s image by tag and digest", () => {
    for (const p of listProfiles()) {
      expect(loadProfile(p.name).k3s.image).to.match(/^rancher\/k3s:v\d+\.\d+\.\d+-k3s\d+@sha256:[0-9a-f]{64}$/);
    }
  });

  it("k3s-calico: flannel and the policy controller off, the add-ons off, k3s's CIDRs, its own ready line", () => {
    const p = resolveProfile(loadProfile("k3s-calico"), { env: {} });
    expect(p.args).to.deep.equal([
      "server",
      "--flannel-backend=none",
      "--disable-network-policy",
      "--disable=traefik,servicelb,metrics-server",
      "--cluster-cidr=10.42.0.0/16",
      "--service-cidr=10.43.0.0/16",
    ]);
    expect(p.readyLog).to.equal("k3s is up and running");
    expect(p.sharedRootMount).to.equal(true);
    expect(p.cni?.version).to.match(/^3\.33\.\d+$/);
    expect(p.cni?.manifests.map((m) => m.url)).to.deep.equal([
      `https://raw.githubusercontent.com/projectcalico/calico/v${p.cni?.version}/manifests/calico.yaml`,
      `https://raw.githubusercontent.com/projectcalico/calico/v${p.cni?.version}/manifests/apiserver.yaml`,
    ]);
    expect(p.cni?.serves).to.deep.equal(["projectcalico.org/v3"]);
    expect(p.ready).to.deep.include.members([
      { nodesReady: true },
      { daemonSet: "kube-system/calico-node" },
      { deployment: "kube-system/calico-kube-controllers" },
      { deployment: "kube-system/coredns" },
    ]);
  });

  it("k3s-kube-router is k3s as it ships (policy enforced); k3s-no-policy turns the controller off", () => {
    const router = resolveProfile(loadProfile("k3s-kube-router"));
    const none = resolveProfile(loadProfile("k3s-no-policy"));
    expect(router.args).to.not.include("--disable-network-policy");
    expect(router.args.join(" ")).to.not.include("flannel-backend");
    expect(router.enforcesPolicy).to.equal(true);
    expect(router.readyLog).to.equal("Node controller sync successful");
    expect(none.args).to.include("--disable-network-policy");
    expect(none.enforcesPolicy).to.equal(false);
    expect(router.cni).to.equal(undefined);
  });

  it("the Calico version comes from the flag, else NETPROOF_CALICO_VERSION, else the profile", () => {
    const profile = loadProfile("k3s-calico");
    expect(resolveProfile(profile, { env: { NETPROOF_CALICO_VERSION: "3.32.3" } }).cni?.version).to.equal("3.32.3");
    expect(resolveProfile(profile, { cniVersion: "v3.31.0", env: { NETPROOF_CALICO_VERSION: "3.32.3" } }).cni?.version).to.equal("3.31.0");
    const url = resolveProfile(profile, { env: { NETPROOF_CALICO_VERSION: "3.32.3" } }).cni?.manifests[0]?.url;
    expect(url).to.equal("https://raw.githubusercontent.com/projectcalico/calico/v3.32.3/manifests/calico.yaml");
    const bad = thrown(() => resolveProfile(profile, { env: { NETPROOF_CALICO_VERSION: "latest" } }));
    expect(bad.message).to.include("NETPROOF_CALICO_VERSION").and.include('"latest" is not a calico version');
  });

  it("checksums: the profile's pin for the version, or one given explicitly; a bad one is refused", () => {
    const profile = loadProfile("k3s-calico");
    const sum = "a".repeat(64);
    const pinned = { ...profile, cni: { ...profile.cni!, checksums: { "3.32.3": { calico: sum } } } };
    const r = resolveProfile(pinned, { env: { NETPROOF_CALICO_VERSION: "3.32.3" } });
    expect(r.cni?.manifests.map((m) => m.sha256)).to.deep.equal([sum, undefined]);
    expect(resolveProfile(profile, { checksums: { "calico-apiserver": sum }, env: {} }).cni?.manifests[1]?.sha256).to.equal(sum);
    expect(thrown(() => resolveProfile(profile, { checksums: { calico: "abc" }, env: {} })).message).to.include("is not a sha256");
    expect(thrown(() => resolveProfile(profile, { checksums: { flannel: sum }, env: {} })).message).to.include('"flannel", which is no manifest');
  });

  it("an unknown profile name suggests the nearest", () => {
    const e = thrown(() => loadProfile("k3s-calco"));
    expect(e.message).to.include('unknown cluster profile "k3s-calco"').and.include('did you mean "k3s-calico"');
  });

  describe("a broken profile file", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "netproof-clusters-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const calico = () => readFileSync(join(DEFAULT_CLUSTERS_DIR, "k3s-calico.yaml"), "utf8");

    it("an image without a digest: file, line and field", () => {
      const file = join(dir, "k3s-calico.yaml");
      writeFileSync(file, calico().replace(/image: rancher\/k3s:(\S+)@sha256:\S+/, "image: rancher/k3s:$1"));
      const e = thrown(() => loadProfileFile(file));
      const p = e.problems[0]!;
      expect(p.field).to.equal("k3s.image");
      expect(p.line).to.equal(calico().split("\n").findIndex((l) => l.includes("image: rancher/k3s")) + 1);
      expect(p.message).to.include("pinned by tag and digest");
      expect(e.message).to.include(`${file}:${p.line}`);
    });

    it("a command without `server`, an unknown field, a bad ready check", () => {
      const file = join(dir, "k3s-calico.yaml");
      const text = calico()
        .replace("    - server\n", "")
        .replace("  sharedRootMount: true", "  sharedRootMount: true\n  sharedRootMont: true")
        .replace("  - nodesReady: true", "  - nodeReady: true");
      writeFileSync(file, text);
      const e = thrown(() => loadProfileFile(file));
      const fields = e.problems.map((p) => p.field);
      expect(fields).to.include.members(["k3s.args", "k3s.sharedRootMont"]);
      expect(e.message).to.include("k3s.args: the command replaces the module's own: it starts with server");
      expect(e.message).to.match(/ready\[0\]\.nodeReady: unknown field "nodeReady"\n {2}hint: did you mean "nodesReady"\?/);
    });

    it("the name must match the file; a checksum must name a manifest of the profile", () => {
      const file = join(dir, "mine.yaml");
      writeFileSync(file, calico().replace("  checksums: {}", `  checksums:\n    "3.33.1": { calico-node: ${"b".repeat(64)} }`));
      const e = thrown(() => loadProfileFile(file));
      expect(e.problems.map((p) => p.field)).to.deep.equal(["name", 'cni.checksums["3.33.1"].calico-node']);
      expect(e.message).to.include('must be named "mine"').and.include('no manifest is named "calico-node"');
    });

    it("two defaults in one folder are refused", () => {
      writeFileSync(join(dir, "k3s-calico.yaml"), calico());
      writeFileSync(join(dir, "k3s-other.yaml"), calico().replace("name: k3s-calico", "name: k3s-other"));
      expect(thrown(() => listProfiles(dir)).message).to.include("more than one default cluster profile: k3s-calico, k3s-other");
    });
  });
});
