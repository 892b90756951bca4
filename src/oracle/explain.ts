// One-line human explanations of a prediction, for reports and terminal output.

import type { DirectionDecision, Prediction, RuleRef } from "./types.ts";
import type { DirectionMisses, NearMiss } from "./near-miss.ts";

/**
 * E.g. "allowed: egress not isolated; ingress allowed by shop/allow-api rule 0 peer 1"
 * or "denied: ingress isolated by shop/default-deny, shop/allow-web and no rule
 * allows prod/web:5432/TCP". `traffic` names the connection in the denial
 * (a cell key, say); without it the sentence says "it".
 */
export function describePrediction(prediction: Prediction, traffic?: string): string {
  switch (prediction.kind) {
    case "invalid":
      return `invalid: ${prediction.reason}`;
    case "allowed":
      return `allowed: ${describeDirection("egress", prediction.egress, traffic)}; ${describeDirection("ingress", prediction.ingress, traffic)}`;
    case "denied": {
      // Only the direction(s) that refused: that is what the reader must fix.
      const parts: string[] = [];
      if (prediction.egress.kind === "denied") parts.push(describeDirection("egress", prediction.egress, traffic));
      if (prediction.ingress.kind === "denied") parts.push(describeDirection("ingress", prediction.ingress, traffic));
      return `denied: ${parts.join("; ")}`;
    }
  }
}

export function describeRuleRef(ref: RuleRef): string {
  return `${ref.policy} rule ${ref.rule}${ref.peer === undefined ? "" : ` peer ${ref.peer}`}`;
}

function describeDirection(name: "egress" | "ingress", decision: DirectionDecision, traffic: string | undefined): string {
  switch (decision.kind) {
    case "not-isolated":
      return `${name} not isolated`;
    case "not-applicable":
      return `${name} not applicable (outside the cluster)`;
    case "allowed":
      return `${name} allowed by ${describeRuleRef(decision.allowedBy)}`;
    case "denied":
      return `${name} isolated by ${decision.isolatedBy.join(", ")} and no rule allows ${traffic ?? "it"}`;
  }
}

/**
 * E.g. "rule 0 of shop/db-ingress allows 5433/TCP, not 5432/TCP", or "peer 1 of
 * rule 1 of shop/api-policy needs namespace label team=shop, which namespace
 * dev lacks".
 */
export function describeNearMiss(miss: NearMiss): string {
  const rule = `rule ${miss.ref.rule} of ${miss.ref.policy}`;
  if (miss.kind === "port") return `${rule} allows ${miss.allows.join(", ")}, not ${miss.wanted}`;
  const peer = `peer ${miss.ref.peer ?? 0} of ${rule}`;
  const l = miss.lacks;
  switch (l.kind) {
    case "namespace-labels":
      return `${peer} needs namespace ${plural("label", l.needs)} ${l.needs.join(", ")}, which namespace ${l.namespace} lacks${l.matchesNone ? " (no namespace has it: the selector matches nothing)" : ""}`;
    case "pod-labels":
      return `${peer} needs pod ${plural("label", l.needs)} ${l.needs.join(", ")}, which ${l.pod} lacks${l.matchesNone ? " (no pod has it: the selector matches nothing)" : ""}`;
    case "namespace":
      return `${peer} has no namespaceSelector, so it selects pods of namespace ${l.policyNamespace} only, and ${l.pod} is in ${l.pod.split("/")[0]}`;
    case "ip-block":
      return `${peer} is ipBlock ${l.cidr}, which ${l.excepted ? "excepts" : "does not hold"} ${l.address}`;
    case "outside-cluster":
      return `${peer} selects pods, and ${l.address} is outside the cluster`;
  }
}

/** The near misses of a denied prediction, one sentence each, the direction first. */
export function describeNearMisses(prediction: Prediction, misses: DirectionMisses): string[] {
  if (prediction.kind !== "denied") return [];
  const lines: string[] = [];
  if (prediction.egress.kind === "denied") lines.push(...misses.egress.map((m) => `nearest miss (egress): ${describeNearMiss(m)}`));
  if (prediction.ingress.kind === "denied") lines.push(...misses.ingress.map((m) => `nearest miss (ingress): ${describeNearMiss(m)}`));
  return lines;
}

/** For a DNS cell whose egress is denied: "DNS is blocked: the egress of shop/web is isolated by … and no egress rule allows port 53 …". */
export function describeDnsBlock(prediction: Prediction, source: string): string | undefined {
  if (prediction.kind !== "denied" || prediction.egress.kind !== "denied") return undefined;
  return `DNS is blocked: the egress of ${source} is isolated by ${prediction.egress.isolatedBy.join(", ")} and no egress rule allows port 53 to the cluster DNS`;
}

function plural(word: string, items: readonly unknown[]): string {
  return items.length === 1 ? word : `${word}s`;
}
