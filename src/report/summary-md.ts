// results → Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY takes
// at most 1 MiB per step): verdict counts, the failing cells, and the tables of
// the ports that have a failing cell, trimmed to the rows and columns that
// fail. Every list is capped so the page stays small however large the run;
// what is left off is counted and results.json holds it all.
import type { ResultCell, Results, VerdictKind } from "./results.ts";
import { phaseTables, labelOf, type PortTable } from "./results-tables.ts";
import { culprit, expectedAnswer, isFailing, verdictLine, type Answer } from "./results-words.ts";

export const SUMMARY_LIMITS = { failingCells: 100, tables: 12, tableSide: 30 } as const;

const VERDICTS: readonly VerdictKind[] = ["pass", "late", "expectation-mismatch", "invalid", "cni-mismatch", "flaky", "infra-error", "inconclusive"];

export function renderSummaryMarkdown(runs: readonly Results[]): string {
  const out: string[] = [];
  const failing = runs.filter((r) => !r.ok).length;
  out.push(`# netproof: ${failing === 0 ? "all passed" : `${failing} of ${runs.length} scenario${runs.length === 1 ? "" : "s"} failing`}`);
  out.push("");
  out.push(`| scenario | mode | cells | ${VERDICTS.join(" | ")} | result |`);
  out.push(`|---|---|---:|${VERDICTS.map(() => "---:").join("|")}|---|`);
  for (const r of runs) {
    const counts = VERDICTS.map((v) => String(r.summary.byVerdict[v] ?? 0));
    out.push(`| ${md(r.scenario.name)} | ${r.mode}${r.cluster ? ` on ${md(r.cluster.description)}` : ""} | ${r.summary.cells} | ${counts.join(" | ")} | ${r.ok ? "pass" : r.outcome} |`);
  }
  let budget: number = SUMMARY_LIMITS.failingCells;
  let tableBudget: number = SUMMARY_LIMITS.tables;
  for (const r of runs) {
    const cells = r.phases.flatMap((p) => p.cells.filter(isFailing).map((c) => ({ phase: p.name, c })));
    const idle = r.coverage.unexercised;
    if (cells.length === 0 && r.warnings.length === 0 && idle.length === 0) continue;
    out.push("", `## ${md(r.scenario.name)}`);
    if (idle.length > 0) {
      const used = r.coverage.rules.filter((x) => x.cells > 0).length;
      out.push("", `Rule coverage: ${used} of ${r.coverage.rules.length} rules and peers admit at least one cell.`, "");
      for (const s of idle.slice(0, 20)) out.push(`- ${md(s)}`);
      if (idle.length > 20) out.push(`- … and ${idle.length - 20} more (results.json)`);
    }
    if (r.scenario.mistake) out.push("", `This scenario shows a mistake on purpose: ${md(r.scenario.mistake)}`);
    if (r.warnings.length > 0) {
      out.push("", "Warnings:", "");
      for (const w of r.warnings.slice(0, 20)) out.push(`- \`${md(w.file)}:${w.line}\` ${md(w.field)}: ${md(w.message)}`);
      if (r.warnings.length > 20) out.push(`- … and ${r.warnings.length - 20} more (results.json)`);
    }
    if (cells.length === 0) continue;
    out.push("", "| phase | cell | verdict | declared | predicted | observed | probably wrong | why |", "|---|---|---|---|---|---|---|---|");
    const shown = cells.slice(0, Math.max(0, budget));
    budget -= shown.length;
    for (const { phase, c } of shown) {
      out.push(
        `| ${md(phase)} | \`${md(c.key)}\` | ${md(verdictLine(c))} | ${c.declared} | ${c.predicted} | ${c.observed ? c.observed.outcome : "—"} | ${md(culprit(c) ?? "")} | ${md([c.reason, ...c.nearMisses].join("; "))} |`,
      );
    }
    if (shown.length < cells.length) out.push("", `… and ${cells.length - shown.length} more failing cells (all of them are in results.json and junit.xml).`);
    const label = labelOf(r);
    for (const phase of r.phases) {
      for (const t of phaseTables(r, phase.cells).tables) {
        if (!hasFailure(t)) continue;
        if (tableBudget-- <= 0) continue;
        out.push("", `### ${md(phase.name)}: ${t.title}`, "", ...tableLines(r, t, label));
      }
    }
  }
  if (tableBudget < 0) out.push("", `… and ${-tableBudget} more failing port tables (matrix.html shows every one).`);
  out.push("", legend(runs));
  return `${out.join("\n")}\n`;
}

function hasFailure(t: PortTable): boolean {
  return t.rows.some((row) => t.columns.some((col) => { const c = t.cell(row, col); return c !== undefined && isFailing(c); }));
}

function tableLines(r: Results, t: PortTable, label: (id: string) => string): string[] {
  const failingAt = (row: string, col: string) => { const c = t.cell(row, col); return c !== undefined && isFailing(c); };
  let rows = t.rows;
  let columns = t.columns;
  const lines: string[] = [];
  if (rows.length > SUMMARY_LIMITS.tableSide || columns.length > SUMMARY_LIMITS.tableSide) {
    rows = rows.filter((row) => columns.some((col) => failingAt(row, col))).slice(0, SUMMARY_LIMITS.tableSide);
    columns = columns.filter((col) => t.rows.some((row) => failingAt(row, col))).slice(0, SUMMARY_LIMITS.tableSide);
    lines.push(`Only the rows and columns with a failing cell (of ${t.rows.length} × ${t.columns.length}).`, "");
  }
  lines.push(`| from \\ to | ${columns.map((c) => md(label(c))).join(" | ")} |`);
  lines.push(`|---|${columns.map(() => ":---:").join("|")}|`);
  for (const row of rows) {
    const marks = columns.map((col) => {
      const c = t.cell(row, col);
      if (!c) return "-";
      const m = marks3(r, c);
      return isFailing(c) ? `**[${m}]**` : m;
    });
    lines.push(`| ${md(label(row))} | ${marks.join(" | ")} |`);
  }
  return lines;
}

const MARK: Record<Answer, string> = { allow: ".", deny: "X", unknown: "?" };

/** Plan: declared and predicted; live: expected and observed. */
function marks3(r: Results, c: ResultCell): string {
  const predicted = c.predicted === "invalid" ? "unknown" : c.predicted;
  if (r.mode === "plan") return `${c.declared === "oracle" ? "?" : MARK[c.declared]}${MARK[predicted]}`;
  return `${MARK[expectedAnswer(c)]}${MARK[c.observed?.reach ?? "unknown"]}`;
}

function legend(runs: readonly Results[]): string {
  const modes = new Set(runs.map((r) => r.mode));
  const parts = [];
  if (modes.has("plan")) parts.push("plan tables: declared then predicted");
  if (modes.has("live")) parts.push("live tables: expected then observed");
  return `_${parts.join("; ")}. \`.\` allowed, \`X\` blocked, \`?\` unknown or left to the oracle, \`-\` not a cell, **[ ]** failing._`;
}

/** Text safe inside a Markdown table cell. */
function md(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ").replace(/</g, "&lt;");
}
