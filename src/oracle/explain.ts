// One-line human explanations of a prediction, for reports and terminal output.

import type { DirectionDecision, Prediction, RuleRef } from "./types.ts";

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
