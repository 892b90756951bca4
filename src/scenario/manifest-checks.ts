// Checks of one manifest against the scenario: its templates name real
// workloads, its namespace is declared, and it is valid as the API server
// validates it after rendering (src/kube), reported at the field as written.

import { decodeNetworkPolicy } from "../kube/network-policy-validation.ts";
import { Decoder } from "../kube/decode.ts";
import type { FieldError } from "../kube/field-errors.ts";
import { isNetworkPolicyV1 } from "../kube/network-policy.ts";
import { decodeObjectMeta, nameRuleFor } from "../kube/object-meta.ts";
import { describeUnmodelled, isClusterScoped } from "../kube/manifest-kinds.ts";
import type { Problem } from "../user-error.ts";
import type { Reread } from "./kubectl-reading.ts";
import type { LoadedManifest } from "./manifests.ts";
import type { ScenarioWarning } from "./plan.ts";
import { findTemplates, renderManifest } from "./render.ts";
import { didYouMeanHint } from "./suggest.ts";
import type { WorkloadIndex } from "./workload-index.ts";
import { formatPath, type Path } from "./yaml-source.ts";

export interface CheckContext {
  readonly index: WorkloadIndex;
  readonly ips: Readonly<Record<string, string>>;
  /** Every namespace a manifest may live in (declared ones and kube-system). */
  readonly namespaces: readonly string[];
}

export function checkManifest(m: LoadedManifest, ctx: CheckContext, reread: readonly Reread[] = []): Problem[] {
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
  if (namespace !== undefined && !isClusterScoped(m.object) && !ctx.namespaces.includes(namespace)) {
    const hint = didYouMeanHint(namespace, ctx.namespaces) ?? `declared namespaces: ${ctx.namespaces.join(", ")}`;
    problems.push({ ...at(["metadata", "namespace"]), message: `namespace "${namespace}" is not declared in the scenario`, hint });
  }

  if (templatesOk) problems.push(...apiProblems(m, ctx).map((e) => fieldProblem(m, e, reread)));
  return problems;
}

/** Documents netproof does not model: a warning saying what happens to each (never silence). */
export function manifestWarnings(m: LoadedManifest): ScenarioWarning[] {
  const reason = describeUnmodelled(m.object);
  if (reason === undefined) return [];
  return [{ at: m.locate.at([]), field: formatPath(m.fieldPrefix) || m.id, message: `${m.id}: ${reason}` }];
}

// The rendered object is validated (a template is not a CIDR); positions come from the original.
function apiProblems(m: LoadedManifest, ctx: CheckContext): readonly FieldError[] {
  const rendered = renderManifest(m.object, ctx.ips);
  if (isNetworkPolicyV1(m.object)) return decodeNetworkPolicy(rendered).errors;
  const d = new Decoder();
  decodeObjectMeta(rendered.metadata, ["metadata"], d, {
    nameRule: nameRuleFor(m.object.kind, m.object.apiVersion),
    namespaced: !isClusterScoped(m.object),
  });
  return d.result();
}

function fieldProblem(m: LoadedManifest, e: FieldError, reread: readonly Reread[]): Problem {
  const where = e.at ?? { path: e.path, key: false };
  const last = e.path[e.path.length - 1];
  const suggestion = e.known && typeof last === "string" ? didYouMeanHint(last, e.known) : undefined;
  const yaml11 = reread.find((r) => samePath(r.path, where.path) || samePath(r.path, e.path));
  const hint = yaml11
    ? `kubectl reads ${yaml11.source} as ${JSON.stringify(yaml11.value)} (YAML 1.1); quote it ("${yaml11.source}") to keep the text`
    : e.known
      ? [suggestion, `known fields: ${e.known.join(", ")}`].filter((s) => s !== undefined).join(" ")
      : e.hint;
  return {
    ...m.locate.at(where.path, { key: where.key }),
    field: formatPath([...m.fieldPrefix, ...e.path]),
    message: e.message,
    ...(hint ? { hint } : {}),
  };
}

function samePath(a: Path, b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
