// The terminal report of plan mode: per phase, declared and predicted truth
// tables side by side (disagreements bracketed), the other cells as a list,
// and every disagreement explained with the rule that decided it.

import type { Plan, PlannedWorkload } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import { predictedReach, type CellPlanResult, type PhasePlanResult, type PlanSummary } from "../verdict/verdict.ts";
import { groupResult, splitResults, type MatrixGroup } from "./matrix.ts";
import { groupTable, WILDCARD } from "./table-groups.ts";
import { renderTable, type Mark } from "./truth-table.ts";
import { cellTitle, workloadLabels } from "./labels.ts";
import { denialLines } from "./near-miss-lines.ts";
import { coverageLines, ruleCoverage } from "./coverage.ts";
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
  const parts: string[] = [];
  writePlanText(plan, phases, summary, options, (chunk) => void parts.push(chunk));
  return parts.join("").replace(/\n$/, "");
}

/** Lines gathered into chunks of about this many characters. */
const CHUNK = 1 << 20;

/**
 * The report written to `write` in chunks, each line ending in a newline:
 * `--verbose` on a million cells is far longer than one string may be.
 */
export function writePlanText(
  plan: Plan,
  phases: readonly PhasePlanResult[],
  summary: PlanSummary,
  options: PlanTextOptions,
  write: (chunk: string) => void,
): void {
  let buffer: string[] = [];
  let size = 0;
  const out = {
    push(...lines: string[]): void {
      for (const line of lines) {
        buffer.push(line, "\n");
        size += line.length + 1;
      }
      if (size >= CHUNK) {
        write(buffer.join(""));
        buffer = [];
        size = 0;
      }
    },
  };
  writeLines(plan, phases, summary, options, out);
  if (buffer.length > 0) write(buffer.join(""));
}

function writeLines(
  plan: Plan,
  phases: readonly PhasePlanResult[],
  summary: PlanSummary,
  options: PlanTextOptions,
  out: { push(...lines: string[]): void },
): void {
  const style = options.style ?? plainStyle;
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

  const namespaces = namespaceMembers(managed);
  const workloadsOf = (name: string) => plan.phases.find((p) => p.name === name)?.workloads ?? allWorkloads;
  const describe = (ids: readonly string[]) => describeWorkloads(ids, namespaces, label);

  for (const phase of phases) {
    out.push("");
    out.push(style.bold(`Phase ${safe(phase.phase)}`));
    const { groups, others } = splitResults(phase.cells, order);
    for (const group of groups) {
      const full = options.verbose === true || (group.rows.length <= FULL_TABLE_MAX && group.columns.length <= FULL_TABLE_MAX);
      out.push("");
      if (full) {
        out.push(`  ${style.bold(safe(group.title))}`);
        out.push(...sideBySide(fullTables(group, label), style));
      } else {
        out.push(...groupedTable(group, peerFinder(workloadsOf(phase.phase)), describe, label, style));
      }
    }
    if (others.length > 0) {
      out.push("");
      out.push(`  ${style.bold("Other cells")}`);
      const listed = options.verbose === true || others.length <= OTHERS_MAX ? others.map((r) => ({ first: r, sources: [r.cell.from] })) : groupOthers(others);
      const text = listed.map((g) => safe(g.sources.length === 1 ? cellTitle(g.first.cell) : `${describe(g.sources)} -> ${targetPart(g.first)}`));
      const width = text.reduce((n, t) => Math.max(n, t.length), 0);
      listed.forEach((g, i) => {
        const ok = g.first.verdict.kind === "pass";
        const mark = ok ? style.green("ok ") : style.red("!! ");
        const count = g.sources.length === 1 ? "" : `  (${g.sources.length} cells)`;
        out.push(
          `  ${mark}${(text[i] ?? "").padEnd(width)}  declared ${reachWord(declaredMark(g.first))}  predicted ${reachWord(predictedMark(g.first))}${count}`,
        );
      });
    }
    const explained = phase.cells.filter((r) => options.verbose || r.verdict.kind !== "pass");
    if (explained.length > 0) {
      out.push("");
      out.push(`  ${style.bold(options.verbose ? "Every cell" : "Disagreements")}`);
      if (options.verbose || explained.length <= EXPLAINED_MAX) {
        const why = denialLines(plan, phase.phase, explained, plan.plannedIps);
        for (const r of explained) out.push(...explainCell(r, style, why.get(r.cell.key) ?? []));
      } else {
        for (const g of groupExplained(explained)) out.push(...explainGroup(g, describe, style));
      }
    }
  }

  // Coverage asks about every cell with every rule: past this size the terminal leaves it to --report-dir.
  const coverage = summary.cells <= COVERAGE_MAX_CELLS ? coverageLines(ruleCoverage(plan, plan.plannedIps)) : [`Rule coverage: not computed for more than ${COVERAGE_MAX_CELLS} cells (--report-dir writes it into results.json)`];
  if (coverage.length > 0) out.push("", ...coverage.map((l, i) => (i === 0 ? style.bold(l) : style.yellow(safe(l)))));
  out.push("");
  out.push(summaryLine(summary, style));
  out.push(style.dim("Legend: . allowed   X blocked   ? left to the oracle   - not a cell   [ ] declared and predicted disagree"));
}

/** Rule coverage is printed for runs up to this many cells. */
const COVERAGE_MAX_CELLS = 20_000;
/** Tables up to this many rows and columns print in full; larger ones by groups (all with --verbose). */
export const FULL_TABLE_MAX = 30;
/** Past this many other cells, cells alike but for their source print as one line. */
const OTHERS_MAX = 30;
/** Past this many disagreements, those with the same explanation print together. */
const EXPLAINED_MAX = 30;
/** A group label longer than this (a table column is as wide as its widest label) is replaced by g1, g2, … and spelled out under the table. */
const LABEL_MAX = 12;

interface TablePair {
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly declared: (r: number, c: number) => Mark;
  readonly predicted: (r: number, c: number) => Mark;
  readonly flagged: (r: number, c: number) => boolean;
}

function fullTables(group: MatrixGroup<CellPlanResult>, label: (id: string) => string): TablePair {
  const at = (r: number, c: number) => groupResult(group, r, c);
  return {
    rows: group.rows.map(label),
    columns: group.columns.map(label),
    declared: (r, c) => {
      const x = at(r, c);
      return x ? declaredMark(x) : "none";
    },
    predicted: (r, c) => {
      const x = at(r, c);
      return x ? predictedMark(x) : "none";
    },
    flagged: (r, c) => at(r, c)?.verdict.kind !== undefined && at(r, c)?.verdict.kind !== "pass",
  };
}

function sideBySide(t: TablePair, style: Style): string[] {
  const left = renderTable(t.rows, t.columns, t.declared, t.flagged);
  const right = renderTable(t.rows, t.columns, t.predicted, t.flagged);
  // Where the author and the oracle agree on every cell, one table says it.
  if (left.every((line, i) => line === right[i])) return [`  declared = predicted`, ...left.map((line) => `  ${colourMarks(line, style)}`)];
  const width = left.reduce((n, l) => Math.max(n, l.length), 10);
  return [`  ${"declared".padEnd(width)}    predicted`, ...left.map((line, i) => `  ${colourMarks(line.padEnd(width), style)}    ${colourMarks(right[i] ?? "", style)}`)];
}

const MARKS: readonly Mark[] = ["allow", "deny", "unknown", "none"];

/** A cell as one small number: declared, predicted, and whether they disagree. */
function cellValue(r: CellPlanResult): number {
  return MARKS.indexOf(declaredMark(r)) * 8 + MARKS.indexOf(predictedMark(r)) * 2 + (r.verdict.kind === "pass" ? 0 : 1);
}

/**
 * The table of groups of identical rows and columns, with their members
 * spelled out where labels are long; only groups of rows with a disagreement
 * when there are still many. Every row when no grouping is exact.
 */
function groupedTable(
  group: MatrixGroup<CellPlanResult>,
  peer: (id: string) => string | undefined,
  describe: (ids: readonly string[]) => string,
  label: (id: string) => string,
  style: Style,
): string[] {
  const { rows, columns } = group;
  const values = new Uint8Array(rows.length * columns.length);
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < columns.length; c++) {
      const x = groupResult(group, r, c);
      // A workload's own cell is no cell; any other missing one is shown as such.
      values[r * columns.length + c] = x ? cellValue(x) : rows[r] === columns[c] ? WILDCARD : NO_CELL;
    }
  }
  const rowIndex = new Map(rows.map((id, i) => [id, i]));
  const columnIndex = new Map(columns.map((id, i) => [id, i]));
  const peers = (ids: readonly string[], other: ReadonlyMap<string, number>) => Int32Array.from(ids, (id) => other.get(peer(id) ?? "") ?? -1);
  const g = groupTable(rows.length, columns.length, values, peers(rows, columnIndex), peers(columns, rowIndex));
  if (!g) return [`  ${style.bold(group.title)}`, ...sideBySide(fullTables(group, label), style)];

  const members = (assign: Int32Array, count: number, ids: readonly string[]) => {
    const out: string[][] = Array.from({ length: count }, () => []);
    assign.forEach((k, i) => out[k]?.push(ids[i] ?? ""));
    return out;
  };
  const rowMembers = members(g.rowGroup, g.rowGroups, rows);
  const columnMembers = members(g.columnGroup, g.columnGroups, columns);
  const block = (r: number, c: number) => g.blocks[r * g.columnGroups + c] ?? WILDCARD;
  const flagged = (v: number) => v !== WILDCARD && v !== NO_CELL && (v & 1) === 1;
  let shownRows = rowMembers.map((_, i) => i);
  let hidden = 0;
  if (g.rowGroups > GROUP_ROWS_MAX) {
    shownRows = shownRows.filter((r) => columnMembers.some((_, c) => flagged(block(r, c))));
    hidden = g.rowGroups - shownRows.length;
  }
  const aliases = new Map<string, string>();
  const legend: string[] = [];
  const name = (ids: readonly string[]) => {
    const text = describe(ids);
    if (text.length <= LABEL_MAX) return text;
    let alias = aliases.get(text);
    if (alias === undefined) {
      alias = `g${aliases.size + 1}`;
      aliases.set(text, alias);
      legend.push(`    ${alias} (${ids.length}): ${text}`);
    }
    return alias;
  };
  const rowNames = shownRows.map((r) => name(rowMembers[r] ?? []));
  const columnNames = columnMembers.map(name);
  const mark = (v: number, which: "declared" | "predicted"): Mark =>
    v === WILDCARD || v === NO_CELL ? "none" : (MARKS[which === "declared" ? v >> 3 : (v >> 1) & 3] ?? "none");
  const at = (r: number, c: number) => block(shownRows[r] ?? 0, c);
  const lines = [
    `  ${style.bold(group.title)}: ${rows.length} sources x ${columns.length} targets, as ${g.rowGroups} x ${g.columnGroups} groups of identical rows and columns (--verbose prints each)`,
    ...sideBySide(
      {
        rows: rowNames,
        columns: columnNames,
        declared: (r, c) => mark(at(r, c), "declared"),
        predicted: (r, c) => mark(at(r, c), "predicted"),
        flagged: (r, c) => flagged(at(r, c)),
      },
      style,
    ),
  ];
  if (hidden > 0) lines.push(`  ${hidden} groups of rows where declared and predicted agree everywhere are not shown`);
  if (legend.length > 0) lines.push("  where", ...legend);
  return lines;
}

/** Past this many groups of rows, only those with a disagreement are shown (all with --verbose). */
const GROUP_ROWS_MAX = 40;

/**
 * The workload whose cell stands in for `id`'s own cell when rows are
 * compared: the nearest one in its namespace with the same labels, else the
 * nearest in its namespace.
 */
function peerFinder(workloads: readonly PlannedWorkload[]): (id: string) => string | undefined {
  const peers = new Map<string, string>();
  const byNamespace = new Map<string, PlannedWorkload[]>();
  for (const w of workloads) {
    if (!w.managed) continue;
    const list = byNamespace.get(w.namespace);
    if (list) list.push(w);
    else byNamespace.set(w.namespace, [w]);
  }
  for (const list of byNamespace.values()) {
    const byLabels = new Map<string, PlannedWorkload[]>();
    for (const w of list) {
      const key = JSON.stringify(Object.entries(w.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const same = byLabels.get(key);
      if (same) same.push(w);
      else byLabels.set(key, [w]);
    }
    list.forEach((w, i) => {
      const key = JSON.stringify(Object.entries(w.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const same = byLabels.get(key) ?? [];
      const j = same.indexOf(w);
      const twin = same[j > 0 ? j - 1 : j + 1];
      const near = list[i > 0 ? i - 1 : i + 1];
      const chosen = twin ?? near;
      if (chosen) peers.set(w.id, chosen.id);
    });
  }
  return (id) => peers.get(id);
}

/** A missing cell that is not a workload's own. */
const NO_CELL = 30;

/** Managed workload ids by namespace, in order. */
function namespaceMembers(managed: readonly { id: string; namespace: string }[]): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const w of managed) {
    const list = out.get(w.namespace);
    if (list) list.push(w.id);
    else out.set(w.namespace, [w.id]);
  }
  return out;
}

/** `*`, `ns/*` for whole namespaces, and the labels of the rest; long lists are cut. */
function describeWorkloads(ids: readonly string[], namespaces: ReadonlyMap<string, readonly string[]>, label: (id: string) => string): string {
  const set = new Set(ids);
  const managedCount = [...namespaces.values()].reduce((n, l) => n + l.length, 0);
  if (ids.length === managedCount && [...namespaces.values()].every((l) => l.every((id) => set.has(id)))) return "*";
  const parts: string[] = [];
  const covered = new Set<string>();
  for (const [ns, list] of namespaces) {
    if (list.length > 1 && list.every((id) => set.has(id))) {
      parts.push(`${ns}/*`);
      for (const id of list) covered.add(id);
    }
  }
  for (const id of ids) if (!covered.has(id)) parts.push(label(id));
  const shown = parts.slice(0, 12);
  return shown.join(", ") + (parts.length > shown.length ? `, … (${parts.length - shown.length} more)` : "");
}

interface OtherGroup {
  readonly first: CellPlanResult;
  readonly sources: string[];
}

/** The key without its source: `dns:name`, `external:…`, `service:…`. */
function targetPart(r: CellPlanResult): string {
  return cellTitle(r.cell).slice(r.cell.from.length + " -> ".length);
}

function groupOthers(others: readonly CellPlanResult[]): OtherGroup[] {
  const groups = new Map<string, OtherGroup>();
  for (const r of others) {
    const id = `${targetPart(r)}\u0000${declaredMark(r)}\u0000${predictedMark(r)}\u0000${r.verdict.kind}`;
    const g = groups.get(id);
    if (g) g.sources.push(r.cell.from);
    else groups.set(id, { first: r, sources: [r.cell.from] });
  }
  return [...groups.values()];
}

interface ExplainedGroup {
  readonly first: CellPlanResult;
  readonly cells: CellPlanResult[];
}

/** Disagreements with the same declaration and the same explanation (but for the cell). */
function groupExplained(explained: readonly CellPlanResult[]): ExplainedGroup[] {
  const groups = new Map<string, ExplainedGroup>();
  for (const r of explained) {
    const d = r.cell.declared;
    const id = `${r.verdict.kind}\u0000${d.kind === "oracle" ? "" : `${d.kind}@${d.at.file}:${d.at.line}`}\u0000${describePrediction(r.predicted)}`;
    const g = groups.get(id);
    if (g) g.cells.push(r);
    else groups.set(id, { first: r, cells: [r] });
  }
  return [...groups.values()];
}

function explainGroup(g: ExplainedGroup, describe: (ids: readonly string[]) => string, style: Style): string[] {
  if (g.cells.length === 1) return explainCell(g.first, style, []);
  const shown = g.cells.slice(0, 3).map((r) => cellTitle(r.cell));
  const sources = describe([...new Set(g.cells.map((r) => r.cell.from))]);
  const lines = [`  ${style.red("!!")} ${g.cells.length} cells from ${sources}: ${shown.join(", ")}, …`];
  const declared = g.first.cell.declared;
  if (declared.kind === "oracle") lines.push(`       declared: nothing (left to the oracle)`);
  else lines.push(`       declared: ${declared.kind} at ${declared.at.file}:${declared.at.line}`);
  lines.push(`       predicted: ${describePrediction(g.first.predicted)}`);
  return lines;
}

function explainCell(r: CellPlanResult, style: Style, closest: readonly string[]): string[] {
  const lines: string[] = [];
  const ok = r.verdict.kind === "pass";
  lines.push(`  ${ok ? style.green("ok") : style.red("!!")} ${safe(cellTitle(r.cell))}`);
  const declared = r.cell.declared;
  if (declared.kind === "oracle") lines.push(`       declared: nothing (left to the oracle)`);
  else lines.push(`       declared: ${declared.kind} at ${safe(declared.at.file)}:${declared.at.line}`);
  lines.push(`       predicted: ${safe(describePrediction(r.predicted, r.cell.key))}`);
  for (const why of closest) lines.push(`         ${safe(why)}`);
  return lines;
}

function declaredMark(r: CellPlanResult): Mark {
  return r.declared === "oracle" ? "unknown" : r.declared;
}

function predictedMark(r: CellPlanResult): Mark {
  return predictedReach(r.predicted) ?? "unknown";
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
