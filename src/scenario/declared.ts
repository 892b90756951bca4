// What the author declared for each cell. Later phases override earlier ones;
// within a phase the more specific rule wins (compared side by side: source,
// target, port), and two rules that disagree with neither more specific than
// the other are an error naming both.

import type { Problem } from "../user-error.ts";
import type { CellSpec } from "./cells.ts";
import type { Declared, SourceRef, Target } from "./plan.ts";
import type { DeclaredValue, Rule } from "./rules.ts";

export interface DefaultValue {
  readonly value: "allow" | "deny" | "as-predicted";
  readonly at: SourceRef;
}

export interface Resolution {
  /** Declared per cell key. */
  readonly declared: ReadonlyMap<string, Declared>;
  readonly conflicts: readonly Problem[];
}

/** Declared per cell key, for a list of cells; see DeclaredResolver for the rules. */
export function resolveDeclared(
  cells: readonly CellSpec[],
  matrixKeys: ReadonlySet<string>,
  rules: readonly Rule[],
  fallback: DefaultValue | undefined,
): Resolution {
  const resolver = new DeclaredResolver(rules, fallback);
  const declared = new Map<string, Declared>();
  for (const cell of cells) {
    const d = resolver.resolve(cell, resolver.candidates(cell), matrixKeys.has(cell.key));
    if (d !== undefined) declared.set(cell.key, d);
  }
  return { declared, conflicts: resolver.conflicts() };
}

/**
 * The rules that may cover cells of one target and port, with the outcome
 * memoised by which of them cover a cell: a million cells are decided by a
 * handful of distinct combinations of covering statements.
 */
export interface Candidates {
  readonly rules: readonly Rule[];
  readonly memo: Map<number, Declared | null>;
}

/** Masks are 31-bit: a longer candidate list is decided without the memo. */
const MEMO_MAX_RULES = 31;

/**
 * Decides declared values cell by cell. Rules are indexed by target, so a
 * cell looks only at the rules that name its target, and among those only at
 * the ones on its port; `from` is the only per-cell test.
 */
export class DeclaredResolver {
  private readonly byTarget = new Map<string, Rule[]>();
  private readonly candidateCache = new Map<string, Candidates>();
  private readonly found = new Map<string, Problem>();
  private readonly defaultDeclared: Declared;
  private static readonly NONE: Candidates = { rules: [], memo: new Map() };

  constructor(
    rules: readonly Rule[],
    fallback: DefaultValue | undefined,
  ) {
    this.defaultDeclared = fromDefault(fallback);
    for (const rule of rules) {
      for (const key of targetKeys(rule)) {
        const list = this.byTarget.get(key);
        if (list) list.push(rule);
        else this.byTarget.set(key, [rule]);
      }
    }
  }

  /** The default for a matrix cell no rule covers. */
  get fallback(): Declared {
    return this.defaultDeclared;
  }

  /** The rules that may cover cells to `cell.to` on `cell`'s port, in rule order. Cached per target and port. */
  candidates(cell: Pick<CellSpec, "to" | "port" | "protocol" | "kind" | "http">): Candidates {
    const target = cellTargetKey(cell.to);
    const onTarget = this.byTarget.get(target);
    if (!onTarget) return DeclaredResolver.NONE;
    const http = cell.kind === "http" && cell.http ? ` ${cell.http.method} ${cell.http.path}` : "";
    const key = `${target}\u0000${cell.port}/${cell.protocol}/${cell.kind}${http}`;
    let found = this.candidateCache.get(key);
    if (!found) {
      found = { rules: onTarget.filter((r) => portCovers(r, cell)), memo: new Map() };
      this.candidateCache.set(key, found);
    }
    return found;
  }

  /**
   * The declared value of one cell, given its candidates; undefined when no
   * rule decides it and it is not a matrix cell (or two rules conflict, which
   * is recorded in conflicts()).
   */
  resolve(cell: CellSpec, candidates: Candidates, inMatrix: boolean): Declared | undefined {
    return this.resolveFor(cell.key, cell.from, candidates, inMatrix);
  }

  /** resolve() for a cell given by its key and source (the matrix has no cell objects to pass). */
  resolveFor(key: string, from: string, candidates: Candidates, inMatrix: boolean): Declared | undefined {
    const { rules } = candidates;
    if (rules.length === 0) return inMatrix ? this.defaultDeclared : undefined;
    if (rules.length > MEMO_MAX_RULES) return this.decide(key, rules.filter((r) => r.from.has(from)), inMatrix) ?? undefined;
    let mask = 0;
    for (let i = 0; i < rules.length; i++) if ((rules[i] as Rule).from.has(from)) mask |= 1 << i;
    if (mask === 0) return inMatrix ? this.defaultDeclared : undefined;
    const memo = candidates.memo.get(mask);
    if (memo !== undefined) return memo ?? undefined;
    const decided = this.decide(key, rules.filter((_, i) => (mask & (1 << i)) !== 0), inMatrix);
    // A conflict is recorded once, with the first cell that has it; later
    // cells with the same covering rules are left to the oracle.
    candidates.memo.set(mask, decided);
    return decided ?? undefined;
  }

  conflicts(): Problem[] {
    return [...this.found.values()];
  }

  private decide(key: string, covering: readonly Rule[], inMatrix: boolean): Declared | null {
    if (covering.length === 0) return inMatrix ? this.defaultDeclared : null;
    let top = -1;
    for (const r of covering) if (r.layer > top) top = r.layer;
    const candidates = covering.filter((r) => r.layer === top);
    const winners = candidates.filter((r) => !candidates.some((other) => dominates(other, r)));
    const [first] = winners;
    if (!first) return null;
    const rival = winners.find((r) => r.value !== first.value);
    if (rival) {
      const id = `${first.text}@${first.at.line}|${rival.text}@${rival.at.line}`;
      if (!this.found.has(id)) this.found.set(id, conflict(first, rival, key));
      return null;
    }
    return toDeclared(first.value, first.at);
  }
}

function cellTargetKey(to: Target): string {
  switch (to.kind) {
    case "workload":
      return `w\u0000${to.workload}`;
    case "service":
      return `s\u0000${to.workload}`;
    case "dns":
      return `d\u0000${to.name}`;
    case "external":
      return `e\u0000${to.address}`;
  }
}

function targetKeys(rule: Rule): string[] {
  const t = rule.target;
  switch (t.kind) {
    case "workload":
      return [...t.ids].map((id) => `w\u0000${id}`);
    case "service":
      return [...t.ids].map((id) => `s\u0000${id}`);
    case "dns":
      return [`d\u0000${t.name}`];
    case "external":
      return [`e\u0000${t.address}`];
  }
}

/** The port half of covers(): a rule without a port covers every cell to its target. */
function portCovers(rule: Rule, cell: Pick<CellSpec, "port" | "protocol" | "kind" | "http">): boolean {
  const p = rule.port;
  if (p === undefined) return true;
  if (p.port !== cell.port || p.protocol !== cell.protocol || p.kind !== cell.kind) return false;
  return p.kind !== "http" || (p.http?.method === cell.http?.method && p.http?.path === cell.http?.path);
}

/** a beats b: at least as specific on every side and more specific on one. */
function dominates(a: Rule, b: Rule): boolean {
  const [af, at, ap] = a.specificity;
  const [bf, bt, bp] = b.specificity;
  return af >= bf && at >= bt && ap >= bp && (af > bf || at > bt || ap > bp);
}

function conflict(a: Rule, b: Rule, key: string): Problem {
  const same = a.specificity.every((s, i) => s === b.specificity[i]);
  return {
    file: a.at.file,
    line: a.at.line,
    ...(a.at.column !== undefined ? { column: a.at.column } : {}),
    field: "expect",
    message:
      `"${a.text}" (line ${a.at.line}) ${verb(a.value)} and "${b.text}" (line ${b.at.line}) ${verb(b.value)} ${key}, ` +
      (same ? "and both are equally specific" : "and neither is more specific than the other"),
    hint: `add a more specific statement for ${key}, or remove one of the two`,
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
