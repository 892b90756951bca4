// networking.k8s.io/v1 NetworkPolicy, validated as strictly as the API server
// does, so a scenario fails at load time with the exact field rather than at
// `kubectl apply` (or, worse, not at all: an unknown field is silently dropped
// by a lenient client and the policy means something else).

import { z } from "zod";
import { isStrictSubset, parseCidr } from "../kube/cidr.ts";
import type { NetworkPolicy } from "../kube/network-policy.ts";
import { dnsLabel, labelKey, labelsSchema, portName, portNumber } from "./k8s-names.ts";

const requirement = z
  .strictObject({
    key: labelKey,
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"], {
      error: "operator is one of In, NotIn, Exists, DoesNotExist",
    }),
    values: z.array(z.string()).optional(),
  })
  .superRefine((r, ctx) => {
    const needsValues = r.operator === "In" || r.operator === "NotIn";
    if (needsValues && (r.values === undefined || r.values.length === 0)) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `${r.operator} needs a non-empty values list` });
    }
    if (!needsValues && r.values !== undefined && r.values.length > 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `${r.operator} takes no values` });
    }
  });

const labelSelector = z.strictObject({
  matchLabels: labelsSchema.optional(),
  matchExpressions: z.array(requirement).optional(),
});

const cidr = z.string().refine((s) => parseCidr(s) !== undefined, {
  error: (issue) => `"${String(issue.input)}" is not a CIDR (e.g. 10.0.0.0/8 or 2001:db8::/32)`,
});

const ipBlock = z
  .strictObject({ cidr, except: z.array(cidr).optional() })
  .superRefine((block, ctx) => {
    const outer = parseCidr(block.cidr);
    if (!outer) return;
    (block.except ?? []).forEach((text, i) => {
      const inner = parseCidr(text);
      if (inner && !isStrictSubset(outer, inner)) {
        ctx.addIssue({ code: "custom", path: ["except", i], message: `except ${text} is not inside cidr ${block.cidr}` });
      }
    });
  });

const peer = z
  .strictObject({
    podSelector: labelSelector.optional(),
    namespaceSelector: labelSelector.optional(),
    ipBlock: ipBlock.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.ipBlock && (p.podSelector || p.namespaceSelector)) {
      ctx.addIssue({ code: "custom", path: ["ipBlock"], message: "ipBlock cannot be combined with podSelector or namespaceSelector in one peer" });
    }
    if (!p.ipBlock && !p.podSelector && !p.namespaceSelector) {
      ctx.addIssue({ code: "custom", path: [], message: "a peer needs podSelector, namespaceSelector or ipBlock" });
    }
  });

const policyPort = z
  .strictObject({
    protocol: z.enum(["TCP", "UDP", "SCTP"], { error: "protocol is TCP, UDP or SCTP (upper case)" }).optional(),
    port: z.union([portNumber, portName]).optional(),
    endPort: portNumber.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.endPort === undefined) return;
    if (typeof p.port !== "number") {
      ctx.addIssue({ code: "custom", path: ["endPort"], message: "endPort needs a numeric port" });
    } else if (p.endPort < p.port) {
      ctx.addIssue({ code: "custom", path: ["endPort"], message: `endPort ${p.endPort} is less than port ${p.port}` });
    }
  });

export const networkPolicySchema = z.strictObject({
  apiVersion: z.literal("networking.k8s.io/v1"),
  kind: z.literal("NetworkPolicy"),
  metadata: z.object({
    name: z.string().min(1).max(253),
    namespace: dnsLabel("metadata.namespace"),
  }),
  spec: z.strictObject({
    podSelector: labelSelector,
    policyTypes: z.array(z.enum(["Ingress", "Egress"], { error: "policyTypes are Ingress and Egress" })).optional(),
    ingress: z.array(z.strictObject({ from: z.array(peer).optional(), ports: z.array(policyPort).optional() })).optional(),
    egress: z.array(z.strictObject({ to: z.array(peer).optional(), ports: z.array(policyPort).optional() })).optional(),
  }),
});

// The compiler proves the schema's output is the oracle's NetworkPolicy.
export const asNetworkPolicy = (parsed: z.output<typeof networkPolicySchema>): NetworkPolicy => parsed;
