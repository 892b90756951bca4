// Checks of one manifest against the scenario: its templates name real
// workloads, its namespace is declared, and a NetworkPolicy is valid after
// rendering (errors reported at the field as written).

import type { Problem } from "../user-error.ts";
import type { LoadedManifest } from "./manifests.ts";
import { isNetworkPolicyV1 } from "../kube/network-policy.ts";
import { networkPolicySchema } from "./network-policy-schema.ts";
import { findTemplates, renderManifest } from "./render.ts";
import { didYouMeanHint } from "./suggest.ts";
import type { WorkloadIndex } from "./workload-index.ts";
import { formatPath, type Path } from "./yaml-source.ts";
import { validate } from "./zod-problems.ts";

export interface CheckContext {
  readonly index: WorkloadIndex;
  readonly ips: Readonly<Record<string, string>>;
  /** Every namespace a manifest may live in (declared ones and kube-system). */
  readonly namespaces: readonly string[];
}

export function checkManifest(m: LoadedManifest, ctx: CheckContext): Problem[] {
  const at = (p: Path, key = false): Omit<Problem, "message"> => ({ ...m.locate.at(p, { key }), field: formatPath([...m.fieldPrefix, ...p]) });
  const problems: Problem[] = [];

  for (const use of findTemplates(m.object)) {
    if (use.kind === "unknown") {
      problems.push({ ...at(use.path), message: `unknown template ${use.text}`, hint: "the only template is {{ ip <workload> }}" });
      continue;
    }
    const resolved = ctx.index.resolve(use.ref);
    if (!resolved.ok) {
      problems.push({ ...at(use.path), message: `template {{ ip ${use.ref} }}: ${resolved.message}`, ...(resolved.hint ? { hint: resolved.hint } : {}) });
    }
  }

  const templatesOk = problems.length === 0;
  const namespace = m.object.metadata.namespace;
  if (namespace !== undefined && !ctx.namespaces.includes(namespace)) {
    const hint = didYouMeanHint(namespace, ctx.namespaces) ?? `declared namespaces: ${ctx.namespaces.join(", ")}`;
    problems.push({ ...at(["metadata", "namespace"]), message: `namespace "${namespace}" is not declared in the scenario`, hint });
  }

  if (isNetworkPolicyV1(m.object) && templatesOk) {
    // Validate the rendered object (a template is not a CIDR); positions come from the original.
    const result = validate(networkPolicySchema, renderManifest(m.object, ctx.ips), m.locate, m.fieldPrefix);
    if (!result.ok) problems.push(...result.problems);
  }
  return problems;
}
