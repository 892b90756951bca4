import { expect } from "chai";
import type { KubeObject } from "../../src/kube/object.ts";
import { findTemplates, renderManifest } from "../../src/scenario/render.ts";

const ips = { "shop/web": "10.42.1.1", "shop/api": "10.42.1.2", "other/api": "10.42.1.3" };
const object: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "p", namespace: "shop", annotations: { note: "from {{ ip web }}" } },
  spec: { ingress: [{ from: [{ ipBlock: { cidr: "{{ ip shop/api }}/32", except: ["{{ip web}}/32"] } }] }], port: 80 },
};

describe("manifest templates", () => {
  it("replace {{ ip <workload> }} in every string, full or short names", () => {
    const rendered = renderManifest(object, ips);
    expect(rendered).to.deep.equal({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "shop", annotations: { note: "from 10.42.1.1" } },
      spec: { ingress: [{ from: [{ ipBlock: { cidr: "10.42.1.2/32", except: ["10.42.1.1/32"] } }] }], port: 80 },
    });
  });

  it("leave the input untouched", () => {
    renderManifest(object, ips);
    expect(JSON.stringify(object)).to.contain("{{ ip shop/api }}");
  });

  it("refuse an ambiguous short name", () => {
    const ambiguous: KubeObject = { ...object, spec: { x: "{{ ip api }}" } };
    expect(() => renderManifest(ambiguous, ips)).to.throw(/ambiguous/);
  });

  it("are found with their paths", () => {
    expect(findTemplates(object)).to.deep.equal([
      { kind: "ip", path: ["metadata", "annotations", "note"], ref: "web" },
      { kind: "ip", path: ["spec", "ingress", 0, "from", 0, "ipBlock", "cidr"], ref: "shop/api" },
      { kind: "ip", path: ["spec", "ingress", 0, "from", 0, "ipBlock", "except", 0], ref: "web" },
    ]);
  });
});
