// The `expect` block of the scenario or of a step, compiled into rules.

import type { Problem } from "../user-error.ts";
import type { DefaultValue } from "./declared.ts";
import { parseMatrixTable } from "./matrix-table.ts";
import type { ScenarioWarning, SourceRef } from "./plan.ts";
import { compileStatement, compileSyntax, type Compiled, type Rule, type RuleContext } from "./rules.ts";
import type { ExpectInput } from "./schema.ts";
import { formatPath, type Locator, type Path } from "./yaml-source.ts";

export interface CompiledExpect {
  readonly rules: Rule[];
  readonly default?: DefaultValue;
  readonly problems: Problem[];
  readonly warnings: ScenarioWarning[];
}

export function compileExpect(expect: ExpectInput | undefined, base: Path, layer: number, locate: Locator, ctx: RuleContext): CompiledExpect {
  const rules: Rule[] = [];
  const problems: Problem[] = [];
  const warnings: ScenarioWarning[] = [];
  if (!expect) return { rules, problems, warnings };

  const take = (compiled: Compiled, path: Path, at: SourceRef): void => {
    const field = formatPath(path);
    if (!compiled.ok) {
      problems.push({ ...at, field, message: compiled.message, ...(compiled.hint ? { hint: compiled.hint } : {}) });
      return;
    }
    rules.push(compiled.rule);
    warnings.push(...compiled.warnings.map((w) => ({ at, field, message: w.message })));
  };

  for (const value of ["allow", "deny"] as const) {
    (expect[value] ?? []).forEach((text, i) => {
      const path = [...base, value, i];
      const at = locate.at(path);
      take(compileStatement(text, value, layer, at, ctx), path, at);
    });
  }

  (expect.matrix ?? []).forEach((table, t) => {
    const tablePath = [...base, "matrix", t, "table"];
    const parsed = parseMatrixTable(table.port, table.table, tablePath, locate);
    const tableAt = locate.at(tablePath);
    if (!parsed.ok) {
      for (const p of parsed.problems) problems.push({ file: tableAt.file, line: p.line, field: formatPath(tablePath), message: p.message, ...(p.hint ? { hint: p.hint } : {}) });
      return;
    }
    for (const cell of parsed.cells) {
      const at = { file: tableAt.file, line: cell.line };
      take(compileSyntax(cell.syntax, cell.text, cell.value, layer, at, ctx), tablePath, at);
    }
  });

  const result: CompiledExpect = { rules, problems, warnings };
  return expect.default === undefined ? result : { ...result, default: { value: expect.default, at: locate.at([...base, "default"]) } };
}
