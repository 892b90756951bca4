// Cases ported from the upstream e2e suite, kubernetes
// test/e2e/network/netpol/network_policy.go: same policies, same expected
// truth tables over x/y/z × a/b/c (pod-to-itself ignored, as upstream does).

import { describe, it } from "mocha";
import type { NetworkPolicy } from "../../src/kube/network-policy.ts";
import type { Protocol } from "../../src/kube/protocol.ts";
import { Reachability, expectReachability, netpol, nsLabel, podIp, upstreamModel } from "./upstream-model.ts";
import type { ModelChanges } from "./upstream-model.ts";

const TCP: Protocol = "TCP";
const UDP: Protocol = "UDP";
const SCTP: Protocol = "SCTP";
const podA = { matchLabels: { pod: "a" } };
const notInX = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn" as const, values: ["x"] }] };

function check(
  policies: readonly NetworkPolicy[],
  port: number,
  protocol: Protocol,
  expected: (r: Reachability) => Reachability,
  changes: ModelChanges = {},
): void {
  expectReachability(upstreamModel(policies, changes), { port, protocol }, expected(new Reachability(true)));
}

describe("oracle: upstream e2e NetworkPolicy cases", () => {
  const denyIngressX = netpol("x", "deny-ingress", {}, { ingress: [] });

  for (const protocol of [TCP, UDP, SCTP]) {
    it(`should support a 'default-deny-ingress' policy (${protocol})`, () => {
      check([denyIngressX], 80, protocol, (r) => r.expectPeer({}, { namespace: "x" }, false));
    });
  }

  it("should support a 'default-deny-all' policy", () => {
    check([netpol("x", "deny-all", {}, { ingress: [], egress: [] })], 80, TCP, (r) =>
      r.expectPeer({}, { namespace: "x" }, false).expectPeer({ namespace: "x" }, {}, false),
    );
  });

  it("should enforce policy to allow traffic from pods within server namespace based on PodSelector", () => {
    const policy = netpol("x", "x-a-allows-x-b", podA, { ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }] });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expect("x/b", "x/a", true));
  });

  it("should enforce policy to allow ingress traffic for a target", () => {
    const allowAllToA = netpol("x", "allow-all-to-a", podA, { ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] });
    check([netpol("x", "deny-all", {}, { ingress: [] }), allowAllToA], 80, TCP, (r) =>
      r.expectAllIngress("x/a", true).expectAllIngress("x/b", false).expectAllIngress("x/c", false),
    );
  });

  it("should enforce policy to allow ingress traffic from pods in all namespaces", () => {
    const policy = netpol("x", "allow-from-another-ns", podA, { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] });
    check([policy], 80, TCP, (r) => r);
  });

  it("should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector", () => {
    const policy = netpol("x", "allow-client-a-via-ns-selector", podA, { ingress: [{ from: [{ namespaceSelector: nsLabel("y") }] }] });
    check([policy], 80, TCP, (r) =>
      r.expectPeer({ namespace: "x" }, { namespace: "x", pod: "a" }, false).expectPeer({ namespace: "z" }, { namespace: "x", pod: "a" }, false),
    );
  });

  it("should enforce policy based on PodSelector with MatchExpressions", () => {
    const allowed = { matchExpressions: [{ key: "pod", operator: "In" as const, values: ["b"] }] };
    const policy = netpol("x", "x-a-allows-x-b", podA, { ingress: [{ from: [{ podSelector: allowed }] }] });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expect("x/b", "x/a", true));
  });

  it("should enforce policy based on NamespaceSelector with MatchExpressions", () => {
    const allowed = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In" as const, values: ["y"] }] };
    const policy = netpol("x", "allow-ns-y-match-selector", podA, { ingress: [{ from: [{ namespaceSelector: allowed }] }] });
    check([policy], 80, TCP, (r) =>
      r.expectPeer({ namespace: "x" }, { namespace: "x", pod: "a" }, false).expectPeer({ namespace: "z" }, { namespace: "x", pod: "a" }, false),
    );
  });

  it("should enforce policy based on PodSelector or NamespaceSelector", () => {
    const policy = netpol("x", "allow-ns-y-match-selector", podA, {
      ingress: [{ from: [{ namespaceSelector: notInX }, { podSelector: { matchLabels: { pod: "b" } } }] }],
    });
    check([policy], 80, TCP, (r) => r.expect("x/c", "x/a", false));
  });

  it("should enforce policy based on PodSelector and NamespaceSelector", () => {
    const policy = netpol("x", "allow-ns-y-podselector-and-nsselector", podA, {
      ingress: [{ from: [{ namespaceSelector: notInX, podSelector: { matchLabels: { pod: "b" } } }] }],
    });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expect("y/b", "x/a", true).expect("z/b", "x/a", true));
  });

  it("should enforce policy based on Multiple PodSelectors and NamespaceSelectors", () => {
    const bOrC = { matchExpressions: [{ key: "pod", operator: "In" as const, values: ["b", "c"] }] };
    const policy = netpol("x", "allow-ns-y-z-pod-b-c", podA, { ingress: [{ from: [{ namespaceSelector: notInX, podSelector: bOrC }] }] });
    check([policy], 80, TCP, (r) =>
      r.expectPeer({ namespace: "x" }, { namespace: "x", pod: "a" }, false).expect("y/a", "x/a", false).expect("z/a", "x/a", false),
    );
  });

  it("should enforce policy based on any PodSelectors", () => {
    const policy = netpol("x", "allow-ns-x-pod-b-c", podA, {
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }, { podSelector: { matchLabels: { pod: "c" } } }] }],
    });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expect("x/b", "x/a", true).expect("x/c", "x/a", true));
  });

  for (const protocol of [TCP, UDP, SCTP]) {
    it(`should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector (${protocol})`, () => {
      const policy = netpol("x", "allow-ns-y-pod-a-via-namespace-pod-selector", podA, {
        ingress: [{ from: [{ namespaceSelector: nsLabel("y"), podSelector: podA }] }],
      });
      check([policy], 80, protocol, (r) => r.expectAllIngress("x/a", false).expect("y/a", "x/a", true));
    });
  }

  for (const protocol of [TCP, UDP, SCTP]) {
    it(`should enforce policy based on Ports (${protocol})`, () => {
      const policy = netpol("x", "allow-client-a-via-ns-selector", podA, {
        ingress: [{ from: [{ namespaceSelector: nsLabel("y") }], ports: [{ port: 81, protocol }] }],
      });
      const only81FromY = (r: Reachability): Reachability =>
        r
          .expectPeer({ namespace: "x" }, { namespace: "x", pod: "a" }, false)
          .expectPeer({ namespace: "y" }, { namespace: "x", pod: "a" }, true)
          .expectPeer({ namespace: "z" }, { namespace: "x", pod: "a" }, false);
      check([policy], 81, protocol, only81FromY);
      check([policy], 80, protocol, (r) => r.expectAllIngress("x/a", false));
    });
  }

  it("should enforce multiple, stacked policies with overlapping podSelectors", () => {
    const allow = (name: string, port: number): NetworkPolicy =>
      netpol("x", name, podA, { ingress: [{ from: [{ namespaceSelector: nsLabel("y") }], ports: [{ port, protocol: TCP }] }] });
    const fromYOnly = (r: Reachability): Reachability =>
      r
        .expectPeer({ namespace: "x" }, { namespace: "x", pod: "a" }, false)
        .expectPeer({ namespace: "y" }, { namespace: "x", pod: "a" }, true)
        .expectPeer({ namespace: "z" }, { namespace: "x", pod: "a" }, false);
    const only81 = [allow("allow-client-a-via-ns-selector", 81)];
    check(only81, 81, TCP, fromYOnly);
    check(only81, 80, TCP, (r) => r.expectAllIngress("x/a", false));
    const both = [...only81, allow("allow-client-a-via-ns-selector-80", 80)];
    check(both, 80, TCP, fromYOnly);
  });

  it("should support allow-all policy", () => {
    const policy = netpol("x", "allow-all", {}, { ingress: [{}] });
    check([policy], 80, TCP, (r) => r);
    check([policy], 81, TCP, (r) => r);
  });

  it("should allow ingress access on one named port", () => {
    const policy = netpol("x", "allow-all", {}, { ingress: [{ ports: [{ port: "serve-81-tcp" }] }] });
    check([policy], 81, TCP, (r) => r);
    check([policy], 80, TCP, (r) => r.expectPeer({}, { namespace: "x" }, false));
  });

  it("should allow ingress access from namespace on one named port", () => {
    const policy = netpol("x", "allow-client-a-via-ns-selector-80", podA, {
      ingress: [{ from: [{ namespaceSelector: nsLabel("y") }], ports: [{ port: "serve-80-tcp", protocol: TCP }] }],
    });
    check([policy], 80, TCP, (r) =>
      r.expectPeer({ namespace: "x" }, { namespace: "x", pod: "a" }, false).expectPeer({ namespace: "z" }, { namespace: "x", pod: "a" }, false),
    );
    check([policy], 81, TCP, (r) => r.expectAllIngress("x/a", false));
  });

  it("should allow egress access on one named port", () => {
    const policy = netpol("x", "allow-egress", {}, { egress: [{ ports: [{ port: "serve-80-tcp" }] }] });
    check([policy], 80, TCP, (r) => r);
    check([policy], 81, TCP, (r) => r.expectPeer({ namespace: "x" }, {}, false));
  });

  it("should enforce updated policy", () => {
    check([netpol("x", "allow-all-mutate-to-deny-all", {}, { ingress: [{}] })], 81, TCP, (r) => r);
    check([netpol("x", "allow-all-mutate-to-deny-all", {}, { ingress: [] })], 81, TCP, (r) => r.expectPeer({}, { namespace: "x" }, false));
  });

  it("should allow ingress access from updated namespace", () => {
    const policy = netpol("x", "allow-client-a-via-ns-selector", podA, { ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: "updated" } } }] }] });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false));
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expectPeer({ namespace: "y" }, {}, true), {
      namespaceLabels: { y: { ns2: "updated" } },
    });
  });

  it("should allow ingress access from updated pod", () => {
    const labels = { pod: "b", pod2: "updated" };
    const policy = netpol("x", "allow-client-a-via-pod-selector", podA, { ingress: [{ from: [{ podSelector: { matchLabels: labels } }] }] });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false));
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expect("x/b", "x/a", true), { podLabels: { "x/b": labels } });
  });

  it("should deny ingress from pods on other namespaces", () => {
    const policy = netpol("x", "deny-empty-policy", {}, { ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] });
    check([policy], 80, TCP, (r) => r.expectPeer({ namespace: "y" }, { namespace: "x" }, false).expectPeer({ namespace: "z" }, { namespace: "x" }, false));
  });

  it("should deny ingress access to updated pod", () => {
    const policy = netpol("x", "deny-ingress-via-label-selector", { matchLabels: { target: "isolated" } }, { ingress: [] });
    check([policy], 80, TCP, (r) => r);
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false), { podLabels: { "x/a": { target: "isolated" } } });
  });

  it("should deny egress from pods based on PodSelector", () => {
    check([netpol("x", "deny-egress-pod-a", podA, { egress: [] })], 80, TCP, (r) => r.expectAllEgress("x/a", false));
  });

  it("should deny egress from all pods in a namespace", () => {
    check([netpol("x", "deny-egress-ns-x", {}, { egress: [] })], 80, TCP, (r) => r.expectPeer({ namespace: "x" }, {}, false));
  });

  it("should work with Ingress, Egress specified together", () => {
    const policy = netpol("x", "allow-client-a-via-pod-selector", podA, {
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }],
      egress: [{ ports: [{ port: 80 }] }],
    });
    check([policy], 80, TCP, (r) => r.expectAllIngress("x/a", false).expect("x/b", "x/a", true));
    check([policy], 81, TCP, (r) => r.expectAllIngress("x/a", false).expectAllEgress("x/a", false).expect("x/b", "x/a", true));
  });

  it("should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)", () => {
    const fromXA = { from: [{ namespaceSelector: nsLabel("x"), podSelector: podA }] };
    const policies = [
      netpol("x", "allow-to-ns-y-pod-a", podA, { egress: [{ to: [{ namespaceSelector: nsLabel("y"), podSelector: podA }] }] }),
      netpol("y", "allow-from-xa-on-ya-match-selector", podA, { ingress: [fromXA] }),
      netpol("y", "allow-from-xa-on-yb-match-selector", { matchLabels: { pod: "b" } }, { ingress: [fromXA] }),
    ];
    check(policies, 80, TCP, (r) =>
      r
        .expectPeer({ namespace: "x", pod: "a" }, {}, false)
        .expectPeer({}, { namespace: "y", pod: "a" }, false)
        .expectPeer({ namespace: "x", pod: "a" }, { namespace: "y", pod: "a" }, true)
        .expectPeer({}, { namespace: "y", pod: "b" }, false),
    );
  });

  it("should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector", () => {
    const policy = netpol("x", "allow-to-ns-y-pod-a", podA, { egress: [{ to: [{ namespaceSelector: nsLabel("y"), podSelector: podA }] }] });
    check([policy], 80, TCP, (r) => r.expectAllEgress("x/a", false).expect("x/a", "y/a", true));
  });

  it("should enforce ingress policy allowing any port traffic to a server on a specific protocol", () => {
    const policy = netpol("x", "allow-ingress-by-proto", podA, { ingress: [{ ports: [{ protocol: TCP }] }] });
    check([policy], 80, TCP, (r) => r);
    check([policy], 81, TCP, (r) => r);
    check([policy], 80, UDP, (r) => r.expectPeer({}, { namespace: "x", pod: "a" }, false));
  });

  it("should enforce multiple ingress policies with ingress allow-all policy taking precedence", () => {
    const only80 = netpol("x", "allow-ingress-port-80", {}, { ingress: [{ ports: [{ port: 80 }] }] });
    check([only80], 81, TCP, (r) => r.expectPeer({}, { namespace: "x" }, false));
    check([only80, netpol("x", "allow-ingress", {}, { ingress: [{}] })], 81, TCP, (r) => r);
  });

  it("should enforce multiple egress policies with egress allow-all policy taking precedence", () => {
    const only80 = netpol("x", "allow-egress-port-80", {}, { egress: [{ ports: [{ port: 80 }] }] });
    check([only80], 81, TCP, (r) => r.expectPeer({ namespace: "x" }, {}, false));
    check([only80, netpol("x", "allow-egress", {}, { egress: [{}] })], 81, TCP, (r) => r);
  });

  it("should stop enforcing policies after they are deleted", () => {
    check([netpol("x", "deny-all", {}, { ingress: [], egress: [] })], 80, TCP, (r) =>
      r.expectPeer({ namespace: "x" }, {}, false).expectPeer({}, { namespace: "x" }, false),
    );
    check([], 80, TCP, (r) => r);
  });

  it("should allow egress access to server in CIDR block", () => {
    const policy = netpol("x", "allow-client-a-via-cidr-egress-rule", podA, { egress: [{ to: [{ ipBlock: { cidr: `${podIp("y/b")}/32` } }] }] });
    check([policy], 80, TCP, (r) => r.expectAllEgress("x/a", false).expect("x/a", "y/b", true));
  });

  // makeLargeCIDRForIP: a wide block written with the pod's own address, host bits set.
  const aroundXB = { cidr: `${podIp("x/b")}/16`, except: [`${podIp("x/b")}/32`] };

  it("should enforce except clause while egress access to server in CIDR block", () => {
    const policy = netpol("x", "allow-client-a-via-cidr-egress-rule", podA, { egress: [{ to: [{ ipBlock: aroundXB }] }] });
    check([policy], 80, TCP, (r) => r.expect("x/a", "x/b", false));
  });

  it("should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed", () => {
    const name = "allow-client-a-via-cidr-egress-rule";
    check([netpol("x", name, podA, { egress: [{ to: [{ ipBlock: aroundXB }] }] })], 80, TCP, (r) => r.expect("x/a", "x/b", false));
    // Upstream updates the policy (same name) to allow only x/b.
    const updated = netpol("x", name, podA, { egress: [{ to: [{ ipBlock: { cidr: `${podIp("x/b")}/32` } }] }] });
    check([updated], 80, TCP, (r) => r.expectAllEgress("x/a", false).expect("x/a", "x/b", true));
    // And as two policies side by side: the except of one does not block what the other allows.
    const sideBySide = [netpol("x", "a-wide", podA, { egress: [{ to: [{ ipBlock: aroundXB }] }] }), { ...updated, metadata: { namespace: "x", name: "b-exact" } }];
    check(sideBySide, 80, TCP, (r) => r);
  });

  it("should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector", () => {
    const allowEgress = netpol("x", "allow-egress-for-target", podA, { egress: [{}] });
    check([allowEgress], 80, TCP, (r) => r);
    check([allowEgress, netpol("x", "deny-ingress-via-label-selector", podA, { ingress: [] })], 80, TCP, (r) => r.expectAllIngress("x/a", false));
  });

  it("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", () => {
    const sctpOnly = netpol("x", "allow-only-sctp-ingress-on-port-81", podA, { ingress: [{ ports: [{ port: 81, protocol: SCTP }] }] });
    check([denyIngressX, sctpOnly], 81, TCP, (r) => r.expectPeer({}, { namespace: "x" }, false));
    check([denyIngressX, sctpOnly], 81, SCTP, (r) => r.expectPeer({}, { namespace: "x" }, false).expectAllIngress("x/a", true));
  });

  it("should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP", () => {
    const policy = netpol("x", "allow-only-sctp-ingress-on-port-80", podA, { ingress: [{ ports: [{ port: 80, protocol: SCTP }] }] });
    check([policy], 81, TCP, (r) => r.expectAllIngress("x/a", false));
  });

  it("should not allow access by TCP when a policy specifies only UDP", () => {
    const policy = netpol("x", "allow-only-udp-ingress-on-port-81", podA, { ingress: [{ ports: [{ port: 81, protocol: UDP }] }] });
    check([policy], 81, TCP, (r) => r.expectAllIngress("x/a", false));
    check([policy], 81, UDP, (r) => r);
  });

  it("should enforce policy based on NamespaceSelector with MatchExpressions using default ns label", () => {
    const notInY = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn" as const, values: ["y"] }] };
    const policy = netpol("x", "allow-ns-y-match-selector-for-immutable-ns-label", podA, { egress: [{ to: [{ namespaceSelector: notInY }] }] });
    check([policy], 80, TCP, (r) => r.expectPeer({ namespace: "x", pod: "a" }, { namespace: "y" }, false));
  });

  // endPort: upstream's "[Feature:NetworkPolicyEndPort]" cases, a range on
  // the ingress side and on the egress side.
  it("should enforce ingress policy allowing a range of ports with endPort", () => {
    const policy = netpol("x", "allow-range-from-y", podA, {
      ingress: [{ from: [{ namespaceSelector: nsLabel("y") }], ports: [{ port: 79, endPort: 80, protocol: TCP }] }],
    });
    const fromYOnly = (r: Reachability): Reachability => r.expectAllIngress("x/a", false).expectPeer({ namespace: "y" }, { namespace: "x", pod: "a" }, true);
    check([policy], 79, TCP, fromYOnly);
    check([policy], 80, TCP, fromYOnly);
    check([policy], 81, TCP, (r) => r.expectAllIngress("x/a", false));
    check([policy], 80, UDP, (r) => r.expectAllIngress("x/a", false));
  });

  it("should enforce egress policy allowing a range of ports with endPort", () => {
    const policy = netpol("x", "allow-egress-range", {}, { egress: [{ ports: [{ port: 81, endPort: 90 }] }] });
    check([policy], 80, TCP, (r) => r.expectPeer({ namespace: "x" }, {}, false));
    check([policy], 81, TCP, (r) => r);
  });
});
