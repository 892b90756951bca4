import { expect } from "chai";
import { describeUnmodelled, isClusterScoped } from "../../src/kube/manifest-kinds.ts";

const doc = (apiVersion: string, kind: string) => ({ apiVersion, kind });

describe("kube: documents netproof does not model", () => {
  it("models networking.k8s.io/v1 NetworkPolicy and v1 Namespace", () => {
    expect(describeUnmodelled(doc("networking.k8s.io/v1", "NetworkPolicy"))).to.equal(undefined);
    expect(describeUnmodelled(doc("v1", "Namespace"))).to.equal(undefined);
  });

  it("says a retired apiVersion of NetworkPolicy is refused by the API server and ignored", () => {
    for (const apiVersion of ["networking.k8s.io/v1beta1", "extensions/v1beta1"]) {
      const reason = describeUnmodelled(doc(apiVersion, "NetworkPolicy"));
      expect(reason).to.match(/not served by current Kubernetes/);
      expect(reason).to.match(/no matches for kind/);
      expect(reason).to.match(/plan mode ignores it/);
    }
  });

  it("names the kind a mistyped kind was meant to be", () => {
    for (const kind of ["NetworkPolicies", "Networkpolicy", "networkpolicy", "NetworkPolcy"]) {
      expect(describeUnmodelled(doc("networking.k8s.io/v1", kind)), kind).to.match(/\(did you mean NetworkPolicy\?\)/);
    }
    expect(describeUnmodelled(doc("v1", "Namespce"))).to.match(/did you mean Namespace\?/);
  });

  it("says Calico, Cilium and admin policies are left out of the predictions", () => {
    expect(describeUnmodelled(doc("projectcalico.org/v3", "GlobalNetworkPolicy"))).to.match(/Calico GlobalNetworkPolicy is not modelled.*predictions leave it out/);
    expect(describeUnmodelled(doc("crd.projectcalico.org/v1", "NetworkPolicy"))).to.match(/Calico NetworkPolicy is not modelled/);
    expect(describeUnmodelled(doc("projectcalico.org/v3", "StagedNetworkPolicy"))).to.match(/never enforces/);
    expect(describeUnmodelled(doc("cilium.io/v2", "CiliumNetworkPolicy"))).to.match(/Cilium CiliumNetworkPolicy is not modelled/);
    expect(describeUnmodelled(doc("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy"))).to.match(/AdminNetworkPolicy is not modelled/);
  });

  it("says any other document is ignored by plan mode", () => {
    expect(describeUnmodelled(doc("v1", "ConfigMap"))).to.equal("v1 ConfigMap is not modelled: plan mode ignores it, so the predictions do not include it; a live run applies it as written");
  });

  it("knows which kinds are cluster-scoped", () => {
    expect(isClusterScoped(doc("v1", "Namespace"))).to.equal(true);
    expect(isClusterScoped(doc("projectcalico.org/v3", "GlobalNetworkPolicy"))).to.equal(true);
    expect(isClusterScoped(doc("networking.k8s.io/v1", "NetworkPolicy"))).to.equal(false);
  });
});
