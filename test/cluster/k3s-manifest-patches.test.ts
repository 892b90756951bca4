import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { applyPatches, parseManifest, renderManifest } from "../../src/cluster/k3s/manifest-patches.ts";
import { loadProfile, resolveProfile } from "../../src/cluster/k3s/profiles.ts";
import { UserError } from "../../src/user-error.ts";

const fixture = (name: string) => readFileSync(new URL(`./k3s-fixtures/${name}`, import.meta.url), "utf8");
const calico = resolveProfile(loadProfile("k3s-calico"), { env: {} });
const manifest = (name: string) => calico.cni!.manifests.find((m) => m.name === name)!;
const ctx = { profileFile: "clusters/k3s-calico.yaml", field: "cni.manifests[0].patches", source: "calico.yaml" };

// Manifest objects are untyped JSON; the tests read them by path.
type Obj = Record<string, any>;
function find(objects: readonly Obj[], kind: string, name: string): Obj {
  return objects.find((o) => o["kind"] === kind && o["metadata"]["name"] === name)!;
}

describe("k3s-calico manifest patches (structured, on the parsed manifest)", () => {
  const patched = () => {
    const objects = applyPatches(parseManifest(fixture("calico-abridged.yaml"), "calico.yaml"), manifest("calico").patches, ctx);
    // What k3s will read: the rendered text, parsed again.
    return parseManifest(renderManifest(objects), "rendered") as Obj[];
  };

  it("allows IP forwarding in the calico CNI plugin and keeps the installer's placeholders", () => {
    const config = find(patched(), "ConfigMap", "calico-config")["data"]["cni_network_config"] as string;
    expect(config).to.include('"mtu": __CNI_MTU__,');
    expect(config).to.include('"nodename": "__KUBERNETES_NODE_NAME__"');
    const json = JSON.parse(config.replace("__CNI_MTU__", "1500"));
    expect(json.plugins[0]).to.deep.include({ type: "calico", container_settings: { allow_ip_forwarding: true } });
    expect(json.plugins[1]).to.not.have.property("container_settings");
  });

  it("sets the pool to k3s's cluster CIDR and turns IP-in-IP off on calico-node", () => {
    const node = find(patched(), "DaemonSet", "calico-node");
    const env = node["spec"]["template"]["spec"]["containers"][0]["env"] as { name: string; value?: string }[];
    expect(env.filter((e) => e.name === "CALICO_IPV4POOL_CIDR")).to.deep.equal([{ name: "CALICO_IPV4POOL_CIDR", value: "10.42.0.0/16" }]);
    expect(env.filter((e) => e.name === "CALICO_IPV4POOL_IPIP")).to.deep.equal([{ name: "CALICO_IPV4POOL_IPIP", value: "Never" }]);
    expect(env.find((e) => e.name === "CALICO_NETWORKING_BACKEND")).to.have.property("valueFrom");
  });

  it("leaves every other object as it was", () => {
    const before = parseManifest(fixture("calico-abridged.yaml"), "calico.yaml");
    expect(find(patched(), "Deployment", "calico-kube-controllers")).to.deep.equal(find(before, "Deployment", "calico-kube-controllers"));
    expect(patched()).to.have.length(before.length);
  });

  it("API server: a self-signed certificate folder instead of the secret, and an APIService that accepts it", () => {
    const objects = applyPatches(parseManifest(fixture("apiserver-abridged.yaml"), "apiserver.yaml"), manifest("calico-apiserver").patches, ctx);
    const deploy = find(objects, "Deployment", "calico-apiserver");
    expect(deploy["spec"]["template"]["spec"]["volumes"]).to.deep.equal([{ name: "calico-apiserver-certs", emptyDir: {} }]);
    expect(find(objects, "APIService", "v3.projectcalico.org")["spec"]["insecureSkipTLSVerify"]).to.equal(true);
  });

  it("a patch whose object is missing upstream is an error naming the profile and the patch", () => {
    const text = fixture("calico-abridged.yaml").replace("name: calico-node\n  namespace", "name: calico-node-v2\n  namespace");
    try {
      applyPatches(parseManifest(text, "calico.yaml"), manifest("calico").patches, ctx);
      expect.fail("expected an error");
    } catch (e) {
      expect(e).to.be.instanceOf(UserError);
      const p = (e as UserError).problems[0]!;
      expect(p.file).to.equal("clusters/k3s-calico.yaml");
      expect(p.field).to.equal("cni.manifests[0].patches[1]");
      expect(p.message).to.include("DaemonSet kube-system/calico-node is not in calico.yaml");
    }
  });

  it("a CNI config without the named plugin, or a set path that does not exist, is an error too", () => {
    const noCalico = fixture("calico-abridged.yaml").replace('"type": "calico",', '"type": "other",');
    expect(() => applyPatches(parseManifest(noCalico, "c"), manifest("calico").patches, ctx)).to.throw(UserError, 'no plugin of type "calico"');
    const noVolumes = fixture("apiserver-abridged.yaml").replace(/      volumes:\n[\s\S]*?secretName: calico-apiserver-certs\n/, "");
    expect(parse(noVolumes.split("---")[0]!)["spec"]["template"]["spec"]).to.not.have.property("volumes");
    expect(() => applyPatches(parseManifest(noVolumes, "a"), manifest("calico-apiserver").patches, ctx)).to.throw(UserError, "no such list item");
  });
});
