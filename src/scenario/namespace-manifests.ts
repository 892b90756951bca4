// Namespace objects among the manifests: users keep them next to their
// policies, so a Namespace document declares its namespace and labels as if
// it were written under `namespaces:`. Declaring different labels in both
// places is an error naming both.

import type { Problem } from "../user-error.ts";
import { dnsLabel, labelsSchema } from "./k8s-names.ts";
import type { LoadedManifest } from "./manifests.ts";
import { METADATA_NAME, namespaceLabels } from "./model.ts";
import type { Labels } from "../kube/labels.ts";
import type { SourceRef } from "./plan.ts";
import type { ScenarioInput } from "./schema.ts";
import { formatPath, type Locator, type Path } from "./yaml-source.ts";
import { validate } from "./zod-problems.ts";

export interface ManifestNamespace {
  readonly name: string;
  readonly labels: Labels;
  readonly at: SourceRef;
}

export function isNamespaceV1(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  return object.apiVersion === "v1" && object.kind === "Namespace";
}

/** The namespaces the Namespace documents declare, checked against `namespaces:` of the scenario. */
export function namespacesFromManifests(
  manifests: readonly LoadedManifest[],
  declared: ScenarioInput["namespaces"],
  locate: Locator,
): { namespaces: ManifestNamespace[]; problems: Problem[] } {
  const namespaces: ManifestNamespace[] = [];
  const problems: Problem[] = [];
  for (const m of manifests.filter((m) => isNamespaceV1(m.object))) {
    const at = (path: readonly string[]) => ({ ...m.locate.at(path), field: formatPath([...m.fieldPrefix, ...path]) });
    const name = validate(dnsLabel("a namespace name"), m.object.metadata.name, m.locate.under(["metadata", "name"]), [...m.fieldPrefix, "metadata", "name"]);
    const labels = validate(labelsSchema.optional(), m.object.metadata.labels, m.locate.under(["metadata", "labels"]), [...m.fieldPrefix, "metadata", "labels"]);
    if (!name.ok) problems.push(...name.problems);
    if (!labels.ok) problems.push(...labels.problems);
    if (!name.ok || !labels.ok) continue;
    if (name.value === "kube-system") {
      problems.push({ ...at(["metadata", "name"]), message: "kube-system is always present and not created by netproof; leave its Namespace out of the manifests" });
      continue;
    }
    const own = labels.value ?? {};
    const spec = Object.hasOwn(declared, name.value) ? declared[name.value] : undefined;
    if (spec?.labels !== undefined && !sameLabels(spec.labels, own)) {
      const there = locate.at(["namespaces", name.value, "labels"]);
      problems.push({
        ...at(["metadata", "labels"]),
        message: `namespace "${name.value}" gets labels ${show(own)} here and ${show(spec.labels)} at ${there.file}:${there.line} (namespaces.${name.value})`,
        hint: "declare its labels in one place: the Namespace manifest, or namespaces: in the scenario",
      });
      continue;
    }
    const full = namespaceLabels(name.value, own, (message) => problems.push({ ...at(["metadata", "labels", METADATA_NAME]), message }));
    namespaces.push({ name: name.value, labels: full, at: m.locate.at([]) });
  }
  return { namespaces, problems };
}

/** Namespaces exist in every phase: a Namespace document in a step's add or replace is an error. */
export function namespacesInStep(manifests: readonly LoadedManifest[]): Problem[] {
  return manifests
    .filter((m) => isNamespaceV1(m.object))
    .map((m) => ({
      ...m.locate.at([]),
      field: formatPath(m.fieldPrefix),
      message: `Namespace ${m.object.metadata.name} in a step: Namespace manifests declare namespaces, which exist from the first phase on`,
      hint: "put it under the scenario's manifests:, and relabel a namespace in a step with steps[].namespaces",
    }));
}

/** Deleting a Namespace document would delete a namespace netproof keeps in every phase. */
export function namespaceDeletions(ids: readonly string[], base: Path, inForce: readonly LoadedManifest[], locate: Locator): Problem[] {
  return ids.flatMap((id, i) =>
    inForce.some((m) => m.id === id && isNamespaceV1(m.object))
      ? [{ ...locate.at([...base, i]), field: formatPath([...base, i]), message: `cannot delete ${id}: netproof keeps the scenario's namespaces in every phase` }]
      : [],
  );
}

// Kubernetes adds kubernetes.io/metadata.name itself, so writing it or not is no difference.
function sameLabels(a: Labels, b: Labels): boolean {
  const strip = (l: Labels) => Object.entries(l).filter(([k]) => k !== METADATA_NAME).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function show(labels: Labels): string {
  const entries = Object.entries(labels).filter(([k]) => k !== METADATA_NAME);
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
}
