// The terminal report of a live run: per phase and per port/protocol, expected
// and observed truth tables side by side (upstream e2e style, wrong cells
// bracketed), the other cells as a list, and for every failing cell its
// declared, predicted and observed answers, the rule that decided, and the
// command that reproduces the probe by hand.

import type { Plan } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import type { CellLiveResult, LiveRunResult, LiveSummary } from "../verdict/live-summary.ts";
import { groupResult, splitResults } from "./matrix.ts";
import { TruthTable, tableKey, type Mark } from "./truth-table.ts";
import { cellTitle, workloadLabels } from "./labels.ts";
import { denialLines } from "./near-miss-lines.ts";
import { coverageLines, ruleCoverage } from "./coverage.ts";
import { type Style, plainStyle } from "./style.ts";
import { reproduceCommand } from "./reproduce.ts";
import { expectedMark, isFailure, observedMark, samplesText, seconds, verdictText } from "./live-words.ts";
import { escapeForTerminal as safe } from "../user-error.ts";

export interface LiveTextOptions {
  readonly style?: Style;
  /** Explain every cell, not only the ones that need a look. */
  readonly verbose?: boolean;
}

export function renderLiveText(plan: Plan, run: LiveRunResult, options: LiveTextOptions = {}): string {
  const style = options.style ?? plainStyle;
  const out: string[] = [];
  // Text from files is escaped before styling, so only netproof's own styling reaches the terminal.
  out.push(style.bold(safe(plan.scenario.name)) + ` — ${safe(plan.scenario.description)}`);
  out.push(style.dim(`${safe(plan.scenario.file)} on ${run.cluster.description}`));
  if (plan.scenario.demonstratesMistake) out.push(style.yellow(`This scenario shows a mistake on purpose: ${safe(plan.scenario.demonstratesMistake)}`));
  for (const e of run.externals.filter((x) => !x.served)) {
    out.push(style.yellow(`note: nothing of netproof's answers at ${e.address} on this cluster: a timeout there cannot be told from a drop`));
  }
  out.push(...podLines(run, style));
  const all = plan.phases[0]?.workloads ?? [];
  const labels = workloadLabels(all);
  const label = (id: string) => safe(labels.get(id) ?? id);
  const order = [...all.filter((w) => w.managed), ...all.filter((w) => !w.managed)].map((w) => w.id);

  for (const phase of run.phases) {
    out.push("");
    out.push(style.bold(`Phase ${safe(phase.phase)}`) + style.dim(`  (${phase.rounds} rounds, ${phase.execs} execs)`));
    const { groups, others } = splitResults(phase.cells, order);
    for (const group of groups) {
      const rows = group.rows.map(label);
      const columns = group.columns.map(label);
      const expected = new TruthTable(rows, columns);
      const observed = new TruthTable(rows, columns);
      const flagged = new Set<string>();
      for (const [ri, row] of group.rows.entries()) {
        for (const [ci, column] of group.columns.entries()) {
          const r = groupResult(group, ri, ci);
          if (!r) continue;
          expected.set(label(row), label(column), expectedMark(r));
          observed.set(label(row), label(column), observedMark(r));
          if (needsLook(r)) flagged.add(tableKey(label(row), label(column)));
        }
      }
      const left = expected.render(flagged);
      const right = observed.render(flagged);
      const width = Math.max(...left.map((l) => l.length), 10);
      out.push("");
      out.push(`  ${style.bold(safe(group.title))}`);
      out.push(`  ${"expected".padEnd(width)}    observed`);
      left.forEach((line, i) => out.push(`  ${colour(line.padEnd(width), style)}    ${colour(right[i] ?? "", style)}`));
    }
    if (others.length > 0) {
      out.push("");
      out.push(`  ${style.bold("Other cells")}`);
      const width = Math.max(...others.map((r) => safe(cellTitle(r.cell)).length));
      for (const r of others) {
        out.push(`  ${mark(r, style)}${safe(cellTitle(r.cell)).padEnd(width)}  expected ${word(expectedMark(r))}  observed ${word(observedMark(r))}`);
      }
    }
    const explained = phase.cells.filter((r) => options.verbose || needsLook(r));
    if (explained.length > 0) {
      out.push("");
      out.push(`  ${style.bold(options.verbose ? "Every cell" : "Needs a look")}`);
      const why = denialLines(plan, phase.phase, explained, run.ips);
      for (const r of explained) out.push(...explainCell(r, run.probeTimeoutMs, style, why.get(r.cell.key) ?? []));
    }
  }
  const coverage = coverageLines(ruleCoverage(plan, run.ips));
  if (coverage.length > 0) out.push("", ...coverage.map((l, i) => (i === 0 ? style.bold(l) : style.yellow(safe(l)))));
  out.push("");
  out.push(style.dim(`realise ${seconds(run.timings.realiseMs)}, probe ${seconds(run.timings.probeMs)}, clean up ${seconds(run.timings.cleanupMs)}`));
  out.push(style.dim("Legend: . allowed   X blocked   ? no answer that tells   - not a cell   [ ] needs a look"));
  out.push(liveSummaryLine(run.summary, style));
  return out.join("\n");
}

/** Each workload's pod as it ran: the real namespace when the run renamed it, the IP and the node. */
function podLines(run: LiveRunResult, style: Style): string[] {
  if (run.pods.length === 0) return [];
  const nodes = new Set(run.pods.map((p) => p.node));
  const width = Math.max(...run.pods.map((p) => p.workload.length));
  const lines = [style.dim(`pods (${nodes.size === 1 ? "all on one node" : `on ${nodes.size} nodes`}):`)];
  for (const p of run.pods) {
    const real = `${p.namespace}/${p.name}`;
    const renamed = real === p.workload ? "" : ` as ${real}`;
    lines.push(style.dim(`  ${p.workload.padEnd(width)}  ${p.ip}  node ${p.node || "?"}${renamed}`));
  }
  return lines;
}

function needsLook(r: CellLiveResult): boolean {
  return r.verdict.kind !== "pass";
}

function explainCell(r: CellLiveResult, timeoutMs: number, style: Style, closest: readonly string[]): string[] {
  const lines = [`  ${mark(r, style)}${safe(cellTitle(r.cell))}  ${verdictText(r.verdict)}`];
  const d = r.cell.declared;
  lines.push(d.kind === "oracle" ? "       declared: nothing (left to the oracle)" : `       declared: ${d.kind} at ${safe(d.at.file)}:${d.at.line}`);
  lines.push(`       predicted: ${safe(describePrediction(r.predicted, r.cell.key))}`);
  for (const why of closest) lines.push(`         ${safe(why)}`);
  lines.push(`       observed: ${samplesText(r)}`);
  if (r.probe) lines.push(`       reproduce: ${reproduceCommand(r.probe.pod, r.probe.spec, timeoutMs)}`);
  return lines;
}

function mark(r: CellLiveResult, style: Style): string {
  if (r.verdict.kind === "pass") return style.green("ok ");
  if (isFailure(r.verdict)) return style.red("!! ");
  return style.yellow("?? ");
}

const WORD: Record<Mark, string> = { allow: "allow", deny: "deny", unknown: "?", none: "-" };

function word(m: Mark): string {
  return WORD[m].padEnd(5);
}

function colour(line: string, style: Style): string {
  return line.replace(/\[[.X?]\]/g, (m) => style.red(m));
}

/** `N passed, N failed`, with late, infrastructure errors and inconclusive cells when there are any. */
export function liveSummaryLine(s: LiveSummary, style: Style = plainStyle): string {
  const extras = [
    s.late > 0 ? `${s.late} of them late` : "",
  ].filter(Boolean);
  const tail = [
    s.infraErrors > 0 ? `${s.infraErrors} could not be probed` : "",
    s.inconclusive > 0 ? `${s.inconclusive} inconclusive` : "",
  ].filter(Boolean);
  const text = `${s.passed} passed${extras.length ? ` (${extras.join(", ")})` : ""}, ${s.failed} failed${tail.length ? `, ${tail.join(", ")}` : ""}`;
  if (s.failed > 0) return style.red(text);
  return s.infraErrors > 0 ? style.yellow(text) : style.green(text);
}
