// Two stored runs compared cell by cell: every cell whose answer changed (the
// observed answer in live runs, the predicted one in plan mode), cells only
// one run has, and the cells both runs get wrong against the expectation.
// What each run says of its cluster (profile, CNI, Kubernetes, netproof) comes
// along, with what is unknown named.
import type { ResultCell, Results } from "./results.ts";
import { isFailing, type Answer } from "./results-words.ts";

export interface CellChange {
  readonly scenario: string;
  readonly phase: string;
  readonly key: string;
  readonly before: { readonly answer: Answer; readonly verdict: string } | null;
  readonly after: { readonly answer: Answer; readonly verdict: string } | null;
}

export interface BaselineDiff {
  /** Answers that differ, and cells only one side has. */
  readonly changed: readonly CellChange[];
  /** Same answer in both, and wrong in both (a failing verdict). */
  readonly wrongInBoth: readonly CellChange[];
  readonly scenariosOnlyIn: { readonly before: readonly string[]; readonly after: readonly string[] };
  readonly environments: { readonly before: readonly string[]; readonly after: readonly string[] };
}

/** What a run found for the cell: observed when it probed, else predicted. */
export function answerOf(c: ResultCell): Answer {
  if (c.observed) return c.observed.reach;
  return c.predicted === "invalid" ? "unknown" : c.predicted;
}

export function diffRuns(before: readonly Results[], after: readonly Results[]): BaselineDiff {
  const changed: CellChange[] = [];
  const wrongInBoth: CellChange[] = [];
  const afterByName = new Map(after.map((r) => [r.scenario.name, r]));
  const beforeByName = new Map(before.map((r) => [r.scenario.name, r]));
  for (const b of before) {
    const a = afterByName.get(b.scenario.name);
    if (!a) continue;
    const cells = (r: Results) => new Map(r.phases.flatMap((p) => p.cells.map((c): [string, { phase: string; c: ResultCell }] => [`${p.name}\u0000${c.key}`, { phase: p.name, c }])));
    const bc = cells(b);
    const ac = cells(a);
    for (const id of new Set([...bc.keys(), ...ac.keys()])) {
      const x = bc.get(id);
      const y = ac.get(id);
      const side = (v: { c: ResultCell } | undefined) => (v ? { answer: answerOf(v.c), verdict: v.c.verdict } : null);
      const change: CellChange = { scenario: b.scenario.name, phase: (x ?? y)!.phase, key: (x ?? y)!.c.key, before: side(x), after: side(y) };
      if (!x || !y || answerOf(x.c) !== answerOf(y.c)) changed.push(change);
      else if (isFailing(x.c) && isFailing(y.c)) wrongInBoth.push(change);
    }
  }
  return {
    changed,
    wrongInBoth,
    scenariosOnlyIn: {
      before: before.filter((r) => !afterByName.has(r.scenario.name)).map((r) => r.scenario.name),
      after: after.filter((r) => !beforeByName.has(r.scenario.name)).map((r) => r.scenario.name),
    },
    environments: { before: environment(before), after: environment(after) },
  };
}

/** One line per distinct environment: "netproof 0.1.0, live on lab; profile unknown, CNI unknown, Kubernetes unknown". */
export function environment(runs: readonly Results[]): string[] {
  const lines = runs.map((r) => {
    if (!r.cluster) return `netproof ${r.netproof.version}, plan mode (no cluster)`;
    const c = r.cluster;
    const cni = c.cni.name ? `CNI ${c.cni.name} ${c.cni.version ?? "(version unknown)"}` : "CNI unknown";
    return `netproof ${r.netproof.version}, live on ${c.description}; profile ${c.profile ?? "unknown"}, ${cni}, Kubernetes ${c.kubernetesVersion ?? "unknown"}`;
  });
  return [...new Set(lines)];
}

const WORD: Record<Answer, string> = { allow: "allowed", deny: "denied", unknown: "unknown" };

export function renderDiffText(d: BaselineDiff, names: { before: string; after: string }): string {
  const out: string[] = [];
  out.push(`before: ${names.before}`, ...d.environments.before.map((e) => `  ${e}`));
  out.push(`after:  ${names.after}`, ...d.environments.after.map((e) => `  ${e}`));
  for (const s of d.scenariosOnlyIn.before) out.push(`scenario ${s} is only in ${names.before}`);
  for (const s of d.scenariosOnlyIn.after) out.push(`scenario ${s} is only in ${names.after}`);
  if (d.changed.length > 0) {
    out.push("", `${d.changed.length} cell${d.changed.length === 1 ? "" : "s"} changed:`);
    for (const c of d.changed) {
      const side = (v: CellChange["before"]) => (v ? `${WORD[v.answer]} (${v.verdict})` : "absent");
      out.push(`  ~~ ${c.scenario} ${c.phase}: ${c.key}  ${side(c.before)} -> ${side(c.after)}`);
    }
  }
  if (d.wrongInBoth.length > 0) {
    out.push("", `${d.wrongInBoth.length} cell${d.wrongInBoth.length === 1 ? "" : "s"} wrong in both runs (same answer, against the expectation):`);
    for (const c of d.wrongInBoth) out.push(`  !! ${c.scenario} ${c.phase}: ${c.key}  ${WORD[c.after!.answer]} (${c.after!.verdict})`);
  }
  out.push("", d.changed.length === 0 && d.scenariosOnlyIn.before.length + d.scenariosOnlyIn.after.length === 0 ? "no cell changed" : `${d.changed.length} changed`);
  return out.join("\n");
}

export function anythingChanged(d: BaselineDiff): boolean {
  return d.changed.length > 0 || d.scenariosOnlyIn.before.length > 0 || d.scenariosOnlyIn.after.length > 0;
}

