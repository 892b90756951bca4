// The machine-readable report of plan mode. Its shape is versioned by
// `format`; any change that removes or renames a field bumps the version.
// The shape is documented in docs/json-report.md.
//
// v2 is written as a stream, one line per cell, and is compact per cell: a
// cell is its key, its source, the index of its target (what it probes) and
// the index of its outcome (declared, predicted, verdict and the decision of
// each direction). A million cells share a few thousand targets and outcomes,
// each written once before the cells. The sentence for people (`reason`) is
// given on the cells that do not pass.

import type { Cell, Plan, SourceRef, Target } from "../scenario/plan.ts";
import { describePrediction } from "../oracle/explain.ts";
import type { DirectionDecision, RuleRef } from "../oracle/types.ts";
import type { CellPlanResult, PhasePlanResult, PlanSummary } from "../verdict/verdict.ts";

export const PLAN_JSON_FORMAT = "netproof.plan/v2";

export interface PlanJson {
  readonly format: typeof PLAN_JSON_FORMAT;
  readonly scenario: { name: string; description: string; file: string; mistake: string | null };
  readonly warnings: ReadonlyArray<{ file: string; line: number; field: string; message: string }>;
  /** What cells probe; `target` in a cell indexes this list. */
  readonly targets: readonly TargetJson[];
  /** What cells come to; `outcome` in a cell indexes this list. */
  readonly outcomes: readonly OutcomeJson[];
  readonly phases: ReadonlyArray<{ name: string; cells: readonly CellJson[] }>;
  readonly summary: PlanSummary;
  /** true when every cell passes: the exit code of `--plan` is 0 exactly then. */
  readonly ok: boolean;
}

export interface TargetJson {
  readonly to: Target;
  readonly port: number | string;
  readonly protocol: string;
  readonly probe: string;
  /** Only on http cells. */
  readonly http?: Cell["http"];
}

export interface OutcomeJson {
  readonly declared: "allow" | "deny" | "oracle";
  /** null when declared is "oracle". */
  readonly declaredAt: { file: string; line: number } | null;
  readonly predicted: "allow" | "deny" | "invalid";
  readonly verdict: "pass" | "expectation-mismatch" | "invalid";
  /** null when predicted is "invalid". */
  readonly egress: DirectionDecision | null;
  readonly ingress: DirectionDecision | null;
}

export interface CellJson {
  /** Stable: use it to join runs. */
  readonly key: string;
  readonly from: string;
  /** Index into `targets`. */
  readonly target: number;
  /** Index into `outcomes`. */
  readonly outcome: number;
  /** One line a person can read; only on cells that do not pass. */
  readonly reason?: string;
}

/** The report as one value: for small plans and tests. Large ones are written with writePlanJson. */
export function planJson(plan: Plan, phases: readonly PhasePlanResult[], summary: PlanSummary): PlanJson {
  const parts: string[] = [];
  writePlanJson(plan, phases, summary, (chunk) => void parts.push(chunk));
  return JSON.parse(parts.join("")) as PlanJson;
}

/** Chunks of about this many characters go to `write`. */
const CHUNK = 1 << 16;

/**
 * Writes the report to `write` in chunks: the report is never held as one
 * string, so its size is bounded by the output, not by the heap.
 */
export function writePlanJson(
  plan: Plan,
  phases: readonly PhasePlanResult[],
  summary: PlanSummary,
  write: (chunk: string) => void,
): void {
  const targets = new TargetTable();
  const outcomes = new OutcomeTable();
  // First pass: the shared tables, and each cell's indexes into them.
  const indexes = phases.map((phase) => {
    const out = new Int32Array(phase.cells.length * 2);
    phase.cells.forEach((r, i) => {
      out[i * 2] = targets.index(r.cell);
      out[i * 2 + 1] = outcomes.index(r);
    });
    return out;
  });

  let buffer = "";
  const emit = (text: string) => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      write(buffer);
      buffer = "";
    }
  };
  const scenario = {
    name: plan.scenario.name,
    description: plan.scenario.description,
    file: plan.scenario.file,
    mistake: plan.scenario.demonstratesMistake ?? null,
  };
  const warnings = plan.warnings.map((w) => ({ file: w.at.file, line: w.at.line, field: w.field, message: w.message }));
  emit(`{\n  "format": ${JSON.stringify(PLAN_JSON_FORMAT)},\n  "scenario": ${JSON.stringify(scenario)},\n`);
  const list = (name: string, values: readonly unknown[]) => {
    emit(`  ${JSON.stringify(name)}: [`);
    values.forEach((v, i) => emit(`${i === 0 ? "" : ","}\n    ${JSON.stringify(v)}`));
    emit(values.length === 0 ? "],\n" : "\n  ],\n");
  };
  list("warnings", warnings);
  list("targets", targets.values);
  list("outcomes", outcomes.values);
  emit(`  "phases": [`);
  phases.forEach((phase, p) => {
    const index = indexes[p] ?? new Int32Array(0);
    emit(`${p === 0 ? "" : ","}\n    {\n      "name": ${JSON.stringify(phase.phase)},\n      "cells": [`);
    phase.cells.forEach((r, i) => {
      const { cell } = r;
      const reason = r.verdict.kind === "pass" ? "" : `,"reason":${JSON.stringify(describePrediction(r.predicted, cell.key))}`;
      emit(
        `${i === 0 ? "" : ","}\n        {"key":${JSON.stringify(cell.key)},"from":${JSON.stringify(cell.from)},` +
          `"target":${index[i * 2] ?? -1},"outcome":${index[i * 2 + 1] ?? -1}${reason}}`,
      );
    });
    emit(`${phase.cells.length === 0 ? "" : "\n      "}]\n    }`);
  });
  emit(`${phases.length === 0 ? "" : "\n  "}],\n`);
  emit(`  "summary": ${JSON.stringify(summary)},\n  "ok": ${summary.ok}\n}\n`);
  if (buffer.length > 0) write(buffer);
}

/** Targets by the `to` object cells share, then by port and probe. */
class TargetTable {
  private readonly distinct = new ContentIndex<TargetJson>();
  private readonly byTo = new Map<Target, Map<number | string, Map<string, number>>>();

  get values(): readonly TargetJson[] {
    return this.distinct.values;
  }

  index(cell: Cell): number {
    let byPort = this.byTo.get(cell.to);
    if (!byPort) {
      byPort = new Map();
      this.byTo.set(cell.to, byPort);
    }
    let byProbe = byPort.get(cell.port);
    if (!byProbe) {
      byProbe = new Map();
      byPort.set(cell.port, byProbe);
    }
    // The probe kind implies the protocol, except for http (TCP, one per method and path).
    const id = cell.http ? `${cell.kind} ${cell.protocol} ${JSON.stringify(cell.http)}` : cell.kind === "http" ? `http ${cell.protocol}` : cell.kind;
    let i = byProbe.get(id);
    if (i === undefined) {
      const value: TargetJson = {
        to: cell.to,
        port: cell.port,
        protocol: cell.protocol,
        probe: cell.kind,
        ...(cell.http ? { http: cell.http } : {}),
      };
      i = this.distinct.index(value);
      byProbe.set(id, i);
    }
    return i;
  }
}

const DECLARED = ["allow", "deny", "oracle"] as const;
const VERDICTS = ["pass", "expectation-mismatch", "invalid"] as const;

/** Outcomes by the parts cells share: where the declaration was written, and the two decisions. */
class OutcomeTable {
  readonly values: OutcomeJson[] = [];
  private readonly declarations = new Interner<SourceRef, { file: string; line: number }>((at) => ({ file: at.file, line: at.line }));
  private readonly decisions = new DecisionTable();
  private readonly byParts = new Map<number, Map<number, number>>();

  private readonly byIdentity = new Map<object, Map<object, number>>();

  /**
   * Expansion shares declared values and the oracle stage shares equal
   * predictions, so most cells are found by those two objects alone.
   */
  index(r: CellPlanResult): number {
    let byPrediction = this.byIdentity.get(r.cell.declared);
    if (!byPrediction) {
      byPrediction = new Map();
      this.byIdentity.set(r.cell.declared, byPrediction);
    }
    // The verdict follows from declared and predicted: the pair is enough.
    let i = byPrediction.get(r.predicted);
    if (i === undefined) {
      i = this.byContent(r);
      byPrediction.set(r.predicted, i);
    }
    return i;
  }

  private byContent(r: CellPlanResult): number {
    const d = r.cell.declared;
    const p = r.predicted;
    const at = d.kind === "oracle" ? -1 : this.declarations.index(d.at);
    const egress = p.kind === "invalid" ? -1 : this.decisions.index(p.egress);
    const ingress = p.kind === "invalid" ? -1 : this.decisions.index(p.ingress);
    const predicted = p.kind === "invalid" ? 2 : p.kind === "allowed" ? 0 : 1;
    // Numbers, not strings, as keys: this runs once per cell. Below 2^24
    // decisions each, the inner key is exact.
    const outer = ((at + 1) * 3 + DECLARED.indexOf(r.declared)) * 9 + predicted * 3 + VERDICTS.indexOf(r.verdict.kind);
    let inner = this.byParts.get(outer);
    if (!inner) {
      inner = new Map();
      this.byParts.set(outer, inner);
    }
    const id = (egress + 1) * 0x1000000 + ingress + 1;
    let i = inner.get(id);
    if (i === undefined) {
      i = this.values.length;
      this.values.push({
        declared: r.declared,
        declaredAt: at < 0 ? null : (this.declarations.values[at] ?? null),
        predicted: p.kind === "invalid" ? "invalid" : p.kind === "allowed" ? "allow" : "deny",
        verdict: r.verdict.kind,
        egress: p.kind === "invalid" ? null : p.egress,
        ingress: p.kind === "invalid" ? null : p.ingress,
      });
      inner.set(id, i);
    }
    return i;
  }
}

/** Values kept once per distinct JSON content; a value's index is its position. */
class ContentIndex<V> {
  readonly values: V[] = [];
  private readonly byContent = new Map<string, number>();

  index(value: V): number {
    const content = JSON.stringify(value);
    let i = this.byContent.get(content);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.byContent.set(content, i);
    }
    return i;
  }
}

/** Distinct values by content; the same object is looked up by identity first. */
class Interner<K extends object, V> {
  private readonly distinct = new ContentIndex<V>();
  private readonly byIdentity = new Map<K, number>();

  constructor(private readonly shape: (key: K) => V) {}

  get values(): readonly V[] {
    return this.distinct.values;
  }

  index(key: K): number {
    let i = this.byIdentity.get(key);
    if (i === undefined) {
      i = this.distinct.index(this.shape(key));
      this.byIdentity.set(key, i);
    }
    return i;
  }
}

/**
 * Direction decisions. The oracle makes a new "allowed" decision per cell
 * from a shared policy list and rule reference, so those are looked up by
 * that pair before their content.
 */
class DecisionTable {
  private readonly all = new Interner<DirectionDecision, DirectionDecision>((d) => d);
  private readonly allowed = new Map<readonly string[], Map<RuleRef, number>>();

  get values(): readonly DirectionDecision[] {
    return this.all.values;
  }

  index(d: DirectionDecision): number {
    if (d.kind !== "allowed") return this.all.index(d);
    let byRef = this.allowed.get(d.isolatedBy);
    if (!byRef) {
      byRef = new Map();
      this.allowed.set(d.isolatedBy, byRef);
    }
    let i = byRef.get(d.allowedBy);
    if (i === undefined) {
      i = this.all.index(d);
      byRef.set(d.allowedBy, i);
    }
    return i;
  }
}
