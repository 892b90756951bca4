// Resolves workload references as users write them: `shop/web`, a short
// `web` when unique, and the groups `*` and `shop/*`.

import type { PlannedWorkload } from "./plan.ts";
import type { RefPattern } from "./statement.ts";
import { didYouMeanHint } from "./suggest.ts";

export type Resolved<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

/** 2: one named workload; 1: a namespace group; 0: every workload. */
export type Specificity = 0 | 1 | 2;

export class WorkloadIndex {
  private readonly byId: ReadonlyMap<string, PlannedWorkload>;

  constructor(
    /** Every workload, cluster DNS included; managed ones in declaration order. */
    readonly workloads: readonly PlannedWorkload[],
    private readonly namespaces: readonly string[],
  ) {
    this.byId = new Map(workloads.map((w) => [w.id, w]));
  }

  get(id: string): PlannedWorkload | undefined {
    return this.byId.get(id);
  }

  /** One workload by full or short reference. */
  resolve(ref: string): Resolved<PlannedWorkload> {
    if (ref.includes("/")) {
      const found = this.byId.get(ref);
      if (found) return { ok: true, value: found };
      return this.unknown(ref, [...this.byId.keys()]);
    }
    const matches = this.workloads.filter((w) => w.name === ref);
    const [only] = matches;
    if (only && matches.length === 1) return { ok: true, value: only };
    if (matches.length > 1) {
      return {
        ok: false,
        message: `"${ref}" is ambiguous: it matches ${matches.map((w) => w.id).join(" and ")}`,
        hint: `write the full name, e.g. ${matches[0]?.id ?? ref}`,
      };
    }
    return this.unknown(ref, [...this.workloads.map((w) => w.name), ...this.byId.keys()]);
  }

  /** The workloads a pattern covers; groups cover managed workloads only, except an explicit kube-system/*. */
  resolvePattern(pattern: RefPattern): Resolved<{ ids: string[]; specificity: Specificity }> {
    switch (pattern.kind) {
      case "all":
        return { ok: true, value: { ids: this.managed().map((w) => w.id), specificity: 0 } };
      case "namespace": {
        if (!this.namespaces.includes(pattern.namespace)) {
          const hint = didYouMeanHint(pattern.namespace, this.namespaces);
          return { ok: false, message: `unknown namespace "${pattern.namespace}" in "${pattern.namespace}/*"`, ...(hint ? { hint } : {}) };
        }
        const ids = this.workloads.filter((w) => w.namespace === pattern.namespace && (w.managed || pattern.namespace === "kube-system"));
        return { ok: true, value: { ids: ids.map((w) => w.id), specificity: 1 } };
      }
      case "workload": {
        const one = this.resolve(pattern.ref);
        return one.ok ? { ok: true, value: { ids: [one.value.id], specificity: 2 } } : one;
      }
    }
  }

  managed(): PlannedWorkload[] {
    return this.workloads.filter((w) => w.managed);
  }

  private unknown(ref: string, candidates: readonly string[]): Resolved<PlannedWorkload> {
    const suggestion = didYouMeanHint(ref, candidates);
    const known = `workloads: ${this.workloads.map((w) => w.id).join(", ")}`;
    return { ok: false, message: `unknown workload "${ref}"`, hint: suggestion ? `${suggestion} ${known}` : known };
  }
}
