// What the author declared for each cell. Later phases override earlier ones;
// within a phase the more specific rule wins (compared side by side: source,
// target, port), and two rules that disagree with neither more specific than
// the other are an error naming both.

import type { Problem } from "../user-error.ts";
import type { CellSpec } from "./cells.ts";
import type { Declared, SourceRef } from "./plan.ts";
import { covers, type DeclaredValue, type Rule } from "./rules.ts";

export interface DefaultValue {
  readonly value: "allow" | "deny" | "as-predicted";
  readonly at: SourceRef;
}

export interface Resolution {
  /** Declared per cell key. */
  readonly declared: ReadonlyMap<string, Declared>;
  readonly conflicts: readonly Problem[];
}

export function resolveDeclared(
  cells: readonly CellSpec[],
  matrixKeys: ReadonlySet<string>,
  rules: readonly Rule[],
  fallback: DefaultValue | undefined,
): Resolution {
  const declared = new Map<string, Declared>();
  const conflicts = new Map<string, Problem>();
  for (const cell of cells) {
    const covering = rules.filter((r) => covers(r, cell));
    const top = Math.max(-1, ...covering.map((r) => r.layer));
    const candidates = covering.filter((r) => r.layer === top);
    if (candidates.length === 0) {
      if (matrixKeys.has(cell.key)) declared.set(cell.key, fromDefault(fallback));
      continue;
    }
    const winners = candidates.filter((r) => !candidates.some((other) => dominates(other, r)));
    const [first] = winners;
    if (!first) continue;
    const rival = winners.find((r) => r.value !== first.value);
    if (rival) {
      const id = `${first.text}@${first.at.line}|${rival.text}@${rival.at.line}`;
      if (!conflicts.has(id)) conflicts.set(id, conflict(first, rival, cell));
      continue;
    }
    declared.set(cell.key, toDeclared(first.value, first.at));
  }
  return { declared, conflicts: [...conflicts.values()] };
}

/** a beats b: at least as specific on every side and more specific on one. */
function dominates(a: Rule, b: Rule): boolean {
  const [af, at, ap] = a.specificity;
  const [bf, bt, bp] = b.specificity;
  return af >= bf && at >= bt && ap >= bp && (af > bf || at > bt || ap > bp);
}

function conflict(a: Rule, b: Rule, cell: CellSpec): Problem {
  const same = a.specificity.every((s, i) => s === b.specificity[i]);
  return {
    file: a.at.file,
    line: a.at.line,
    ...(a.at.column !== undefined ? { column: a.at.column } : {}),
    field: "expect",
    message:
      `"${a.text}" (line ${a.at.line}) ${verb(a.value)} and "${b.text}" (line ${b.at.line}) ${verb(b.value)} ${cell.key}, ` +
      (same ? "and both are equally specific" : "and neither is more specific than the other"),
    hint: `add a more specific statement for ${cell.key}, or remove one of the two`,
  };
}

function verb(value: DeclaredValue): string {
  switch (value) {
    case "allow":
      return "allows";
    case "deny":
      return "denies";
    case "oracle":
      return "leaves to the oracle";
  }
}

function toDeclared(value: DeclaredValue, at: SourceRef): Declared {
  switch (value) {
    case "allow":
      return { kind: "allow", at };
    case "deny":
      return { kind: "deny", at };
    case "oracle":
      return { kind: "oracle" };
  }
}

function fromDefault(fallback: DefaultValue | undefined): Declared {
  if (!fallback) return { kind: "oracle" };
  switch (fallback.value) {
    case "allow":
      return { kind: "allow", at: fallback.at };
    case "deny":
      return { kind: "deny", at: fallback.at };
    case "as-predicted":
      return { kind: "oracle" };
  }
}
