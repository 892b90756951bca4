// Warnings of a plan, one line each, for the terminal (stderr): where, the
// field, what is wrong. The JSON report carries the same warnings as data.

import type { ScenarioWarning } from "../scenario/plan.ts";
import { formatProblem } from "../user-error.ts";
import { type Style, plainStyle } from "./style.ts";

export function warningLines(warnings: readonly ScenarioWarning[], style: Style = plainStyle): string[] {
  return warnings.map((w) => style.yellow(`warning: ${formatProblem({ ...w.at, field: w.field, message: w.message })}`));
}
