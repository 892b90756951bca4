// The manifests in force, phase after phase: the initial list, then each
// step's add / replace / delete.

import type { Problem } from "../user-error.ts";
import type { LoadedManifest } from "./manifests.ts";
import { didYouMeanHint } from "./suggest.ts";
import { formatPath, type Locator, type Path } from "./yaml-source.ts";

export function initialManifests(loaded: readonly LoadedManifest[]): { inForce: LoadedManifest[]; problems: Problem[] } {
  const inForce: LoadedManifest[] = [];
  const problems: Problem[] = [];
  for (const m of loaded) {
    const earlier = inForce.find((e) => e.id === m.id);
    if (earlier) problems.push(duplicate(m, earlier, "change its name or remove one of them"));
    else inForce.push(m);
  }
  return { inForce, problems };
}

export interface Changes {
  readonly add: readonly LoadedManifest[];
  readonly replace: readonly LoadedManifest[];
  readonly delete: readonly { readonly id: string; readonly path: Path }[];
}

export function applyChanges(before: readonly LoadedManifest[], changes: Changes, locate: Locator): { inForce: LoadedManifest[]; problems: Problem[] } {
  const inForce = [...before];
  const problems: Problem[] = [];
  for (const { id, path } of changes.delete) {
    const i = inForce.findIndex((m) => m.id === id);
    if (i < 0) {
      const hint = didYouMeanHint(id, inForce.map((m) => m.id)) ?? `in force: ${inForce.map((m) => m.id).join(", ") || "none"}`;
      problems.push({ ...locate.at(path), field: formatPath(path), message: `cannot delete ${id}: no such manifest is in force`, hint });
    } else {
      inForce.splice(i, 1);
    }
  }
  for (const m of changes.replace) {
    const i = inForce.findIndex((e) => e.id === m.id);
    if (i < 0) problems.push({ ...at(m), message: `cannot replace ${m.id}: no such manifest is in force`, hint: "use add for a new manifest" });
    else inForce[i] = m;
  }
  for (const m of changes.add) {
    const earlier = inForce.find((e) => e.id === m.id);
    if (earlier) problems.push(duplicate(m, earlier, "use replace to change a manifest in force"));
    else inForce.push(m);
  }
  return { inForce, problems };
}

function at(m: LoadedManifest): Problem {
  return { ...m.locate.at(["metadata", "name"]), field: formatPath([...m.fieldPrefix, "metadata", "name"]), message: "" };
}

function duplicate(m: LoadedManifest, earlier: LoadedManifest, hint: string): Problem {
  const where = `${earlier.origin.file}:${earlier.origin.line}`;
  return { ...at(m), message: `duplicate manifest ${m.id}: already defined at ${where}`, hint };
}
