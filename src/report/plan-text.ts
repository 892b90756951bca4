// The terminal report of plan mode: per phase, declared and predicted truth
// tables side by side (disagreements bracketed), the other cells as a list,
// and every disagreement explained with the rule that decided it.

import type { Plan } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import type { CellPlanResult, PhasePlanResult, PlanSummary } from "../verdict/verdict.ts";
import { groupResult, splitResults } from "./matrix.ts";
import { TruthTable, tableKey, type Mark } from "./truth-table.ts";
import { workloadLabels } from "./labels.ts";
import { type Style, plainStyle } from "./style.ts";
import { escapeForTerminal as safe } from "../user-error.ts";

export interface PlanTextOptions {
  readonly style?: Style;
  /** Explain every cell, not only disagreements. */
  readonly verbose?: boolean;
}

export function renderPlanText(
  plan: Plan,
  phases: readonly PhasePlanResult[],
  summary: PlanSummary,
  options: PlanTextOptions = {},
): string {
  const style = options.style ?? plainStyle;
  const out: string[] = [];
  // Text from files is escaped before styling, so only netproof's own styling reaches the terminal.
  out.push(style.bold(safe(plan.scenario.name)) + ` — ${safe(plan.scenario.description)}`);
  out.push(style.dim(safe(plan.scenario.file)));
  if (plan.scenario.demonstratesMistake) {
    out.push(style.yellow(`This scenario shows a mistake on purpose: ${safe(plan.scenario.demonstratesMistake)}`));
  }
  const managed = plan.phases[0]?.workloads.filter((w) => w.managed) ?? [];
  const allWorkloads = plan.phases[0]?.workloads ?? [];
  const labels = workloadLabels(allWorkloads);
  const label = (id: string) => safe(labels.get(id) ?? id);
  const order = [...managed.map((w) => w.id), ...allWorkloads.filter((w) => !w.managed).map((w) => w.id)];

  for (const phase of phases) {
    out.push("");
    out.push(style.bold(`Phase ${safe(phase.phase)}`));
    const { groups, others } = splitResults(phase.cells, order);
    for (const group of groups) {
      const rows = group.rows.map(label);
      const columns = group.columns.map(label);
      const declared = new TruthTable(rows, columns);
      const predicted = new TruthTable(rows, columns);
      const flagged = new Set<string>();
      for (const row of group.rows) {
        for (const column of group.columns) {
          const r = groupResult(group, row, column);
          if (!r) continue;
          declared.set(label(row), label(column), declaredMark(r));
          predicted.set(label(row), label(column), predictedMark(r));
          if (r.verdict.kind !== "pass") flagged.add(tableKey(label(row), label(column)));
        }
      }
      const left = declared.render(flagged);
      const right = predicted.render(flagged);
      const width = Math.max(...left.map((l) => l.length), 10);
      out.push("");
      out.push(`  ${style.bold(safe(group.title))}`);
      out.push(`  ${"declared".padEnd(width)}    predicted`);
      left.forEach((line, i) => {
        out.push(`  ${colourMarks(line.padEnd(width), style)}    ${colourMarks(right[i] ?? "", style)}`);
      });
    }
    if (others.length > 0) {
      out.push("");
      out.push(`  ${style.bold("Other cells")}`);
      const width = Math.max(...others.map((r) => safe(r.cell.key).length));
      for (const r of others) {
        const ok = r.verdict.kind === "pass";
        const mark = ok ? style.green("ok ") : style.red("!! ");
        out.push(
          `  ${mark}${safe(r.cell.key).padEnd(width)}  declared ${reachWord(declaredMark(r))}  predicted ${reachWord(predictedMark(r))}`,
        );
      }
    }
    const explained = phase.cells.filter((r) => options.verbose || r.verdict.kind !== "pass");
    if (explained.length > 0) {
      out.push("");
      out.push(`  ${style.bold(options.verbose ? "Every cell" : "Disagreements")}`);
      for (const r of explained) out.push(...explainCell(r, style));
    }
  }

  out.push("");
  out.push(summaryLine(summary, style));
  out.push(style.dim("Legend: . allowed   X blocked   ? left to the oracle   - not a cell   [ ] declared and predicted disagree"));
  return out.join("\n");
}

function explainCell(r: CellPlanResult, style: Style): string[] {
  const lines: string[] = [];
  const ok = r.verdict.kind === "pass";
  lines.push(`  ${ok ? style.green("ok") : style.red("!!")} ${safe(r.cell.key)}`);
  const declared = r.cell.declared;
  if (declared.kind === "oracle") lines.push(`       declared: nothing (left to the oracle)`);
  else lines.push(`       declared: ${declared.kind} at ${safe(declared.at.file)}:${declared.at.line}`);
  lines.push(`       predicted: ${safe(describePrediction(r.predicted, r.cell.key))}`);
  return lines;
}

function declaredMark(r: CellPlanResult): Mark {
  return r.declared === "oracle" ? "unknown" : r.declared;
}

function predictedMark(r: CellPlanResult): Mark {
  switch (r.predicted.kind) {
    case "allowed":
      return "allow";
    case "denied":
      return "deny";
    case "invalid":
      return "unknown";
  }
}

const REACH_WORD: Record<Mark, string> = { allow: "allow", deny: "deny", unknown: "?", none: "-" };

function reachWord(mark: Mark): string {
  return REACH_WORD[mark].padEnd(5);
}

function colourMarks(line: string, style: Style): string {
  return line.replace(/\[[.X?]\]/g, (m) => style.red(m));
}

export function summaryLine(s: PlanSummary, style: Style = plainStyle): string {
  const text =
    `plan: ${s.cells} cells, ${s.pass} agree, ${s.mismatches} disagree, ${s.invalid} invalid` +
    (s.undeclared > 0 ? ` (${s.undeclared} left to the oracle)` : "");
  return s.ok ? style.green(text) : style.red(text);
}
