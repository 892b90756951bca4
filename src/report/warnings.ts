// Warnings of a plan, one line each, for the terminal (stderr): where, the
// field, what is wrong. The JSON report carries the same warnings as data.

import type { ScenarioWarning } from "../scenario/plan.ts";
import { formatProblem } from "../user-error.ts";
import { type Style, plainStyle } from "./style.ts";

/** Manifests in force during a phase that the oracle does not evaluate. */
export interface UnmodelledManifests {
  readonly phase: string;
  readonly ids: readonly string[];
}

export function warningLines(
  warnings: readonly ScenarioWarning[],
  unmodelled: readonly UnmodelledManifests[],
  style: Style = plainStyle,
): string[] {
  const lines = warnings.map((w) => `warning: ${formatProblem({ ...w.at, field: w.field, message: w.message })}`);
  for (const u of unmodelled) {
    lines.push(`warning: phase ${u.phase}: the oracle models Kubernetes NetworkPolicy only; it ignores ${u.ids.join(", ")}`);
  }
  return lines.map((line) => style.yellow(line));
}
