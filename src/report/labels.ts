// Short labels for workloads in tables: the bare name where it is unique in
// the plan, `<namespace>/<name>` otherwise.

import type { PlannedWorkload } from "../scenario/plan.ts";

export function workloadLabels(workloads: readonly PlannedWorkload[]): ReadonlyMap<string, string> {
  const count = new Map<string, number>();
  for (const w of workloads) count.set(w.name, (count.get(w.name) ?? 0) + 1);
  return new Map(workloads.map((w) => [w.id, count.get(w.name) === 1 ? w.name : w.id]));
}
