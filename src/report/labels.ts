// Short labels for workloads in tables: the bare name where it is unique in
// the plan, `<namespace>/<name>` otherwise.

import type { Cell, PlannedWorkload } from "../scenario/plan.ts";

export function workloadLabels(workloads: readonly PlannedWorkload[]): ReadonlyMap<string, string> {
  const count = new Map<string, number>();
  for (const w of workloads) count.set(w.name, (count.get(w.name) ?? 0) + 1);
  return new Map(workloads.map((w) => [w.id, count.get(w.name) === 1 ? w.name : w.id]));
}

/** A cell as people read it: its key, with an external address shown by the scenario's name for it. */
export function cellTitle(cell: Cell): string {
  if (cell.to.kind !== "external" || !cell.to.host) return cell.key;
  const address = cell.to.address.includes(":") ? `[${cell.to.address}]` : cell.to.address;
  return cell.key.replace(`external:${address}:`, `external:${cell.to.host} (${address}):`);
}
