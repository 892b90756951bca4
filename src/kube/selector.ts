// Label selectors (metav1.LabelSelector) and their one evaluator. Compiled
// once into a predicate because the oracle applies each selector to every pod
// or namespace of a model; the scenario's warnings use the same predicate.

import { hasLabel, labelValue, type Labels } from "./labels.ts";

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export const SELECTOR_OPERATORS: readonly SelectorOperator[] = ["In", "NotIn", "Exists", "DoesNotExist"];

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type LabelPredicate = (labels: Labels) => boolean;

/**
 * matchLabels and every matchExpression are ANDed; an empty selector `{}`
 * matches everything. NotIn and DoesNotExist match when the key is absent.
 */
export function compileSelector(selector: LabelSelector): LabelPredicate {
  const checks: LabelPredicate[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    checks.push((labels) => labelValue(labels, key) === value);
  }
  for (const requirement of selector.matchExpressions ?? []) {
    checks.push(compileRequirement(requirement));
  }
  if (checks.length === 0) return matchAll;
  return (labels) => {
    for (const check of checks) if (!check(labels)) return false;
    return true;
  };
}

export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}

function compileRequirement(requirement: LabelSelectorRequirement): LabelPredicate {
  const { key } = requirement;
  const values = new Set(requirement.values ?? []);
  switch (requirement.operator) {
    case "In":
      return (labels) => hasLabel(labels, key) && values.has(labels[key] as string);
    case "NotIn":
      return (labels) => !hasLabel(labels, key) || !values.has(labels[key] as string);
    case "Exists":
      return (labels) => hasLabel(labels, key);
    case "DoesNotExist":
      return (labels) => !hasLabel(labels, key);
  }
}

function matchAll(): boolean {
  return true;
}
