// The full-matrix form of expectations: one table per port, rows are sources,
// columns are targets; `.` allowed, `X` denied, `?` as predicted, `-` no
// statement (the diagonal, or a cell left to other statements and the
// default). Each cell is read as the statement `<row> -> <column>:<port>`.

import { isScalar, Scalar } from "yaml";
import type { StatementSyntax } from "./statement.ts";
import { parsePortProto } from "./statement.ts";
import type { DeclaredValue } from "./rules.ts";
import type { Locator, Path } from "./yaml-source.ts";

export interface TableCell {
  readonly syntax: StatementSyntax;
  readonly text: string;
  readonly value: DeclaredValue;
  /** The line of the row in the scenario file. */
  readonly line: number;
}

export type TableResult = { ok: true; cells: TableCell[] } | { ok: false; problems: { line: number; message: string; hint?: string }[] };

const TABLE_HINT = "a table is a header row `from\\to <target> <target> …` then one row per source: `<source> . X ? -` (. allowed, X denied, ? as predicted, - no statement)";

export function parseMatrixTable(port: number | string, table: string, tablePath: Path, locate: Locator): TableResult {
  const portParsed = parsePortProto(String(port), false);
  const tableLine = lineOfRow(tablePath, locate);
  if (typeof portParsed === "string") return { ok: false, problems: [{ line: tableLine(-1), message: portParsed }] };
  if (portParsed.proto === "http") return { ok: false, problems: [{ line: tableLine(-1), message: "matrix tables are for tcp, udp or sctp ports, not http" }] };

  const lines = table.split("\n");
  const rows = lines.map((text, i) => ({ words: text.trim().split(/\s+/).filter((w) => w !== ""), i })).filter((r) => r.words.length > 0);
  const [header, ...body] = rows;
  if (!header || body.length === 0) return { ok: false, problems: [{ line: tableLine(-1), message: "the table needs a header row and at least one row", hint: TABLE_HINT }] };
  const columns = header.words.slice(1);
  const problems: { line: number; message: string; hint?: string }[] = [];
  const cells: TableCell[] = [];
  for (const row of body) {
    const [source = "", ...marks] = row.words;
    const line = tableLine(row.i);
    if (marks.length !== columns.length) {
      problems.push({ line, message: `row "${source}" has ${marks.length} cells for ${columns.length} columns`, hint: TABLE_HINT });
      continue;
    }
    marks.forEach((mark, c) => {
      const column = columns[c] ?? "";
      if (mark === "-") return;
      const value = markValue(mark);
      if (value === undefined) {
        problems.push({ line, message: `"${mark}" in row "${source}", column "${column}" is not a cell mark`, hint: TABLE_HINT });
        return;
      }
      if (source === column) return; // the diagonal: hairpin is not probed
      const syntax: StatementSyntax = {
        from: { kind: "workload", ref: source },
        target: { kind: "workloads", pattern: { kind: "workload", ref: column } },
        port: portParsed.port,
        ...(portParsed.proto ? { proto: portParsed.proto } : {}),
      };
      cells.push({ syntax, text: `${source} -> ${column}:${String(port)} (matrix)`, value, line });
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, cells };
}

function markValue(mark: string): DeclaredValue | undefined {
  if (mark === ".") return "allow";
  if (mark === "X" || mark === "x") return "deny";
  if (mark === "?") return "oracle";
  return undefined;
}

/** Maps a row index of the table text to its line in the file (block scalars start on the next line). */
function lineOfRow(tablePath: Path, locate: Locator): (row: number) => number {
  const start = locate.at(tablePath).line;
  const node = locate.node(tablePath);
  const block = isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED);
  return (row) => (block && row >= 0 ? start + 1 + row : start);
}
