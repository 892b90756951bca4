// Planned namespace names and the names a run really uses. A shared cluster
// gets a fresh namespace per run (the Kubernetes adapter renames them); every
// object netproof applies must then say the new name, including the policies'
// own references to namespaces.
import { createHash } from "node:crypto";
import type { KubeObject } from "../kube/object.ts";
import { METADATA_NAME } from "../scenario/model.ts";

/** Planned namespace name -> the name on the cluster. Namespaces netproof does not create keep theirs. */
export type NamespaceMapping = (planned: string) => string;

export const identityMapping: NamespaceMapping = (planned) => planned;

/**
 * The object in the namespace it really lives in: `metadata.namespace`, and
 * every selector on `kubernetes.io/metadata.name` (matchLabels and
 * matchExpressions values), so a policy that names `shop` still selects the
 * namespace that stands for it. Other label selectors are left alone: they
 * select on labels, which are carried over unchanged.
 */
export function rewriteNamespaces(object: KubeObject, map: NamespaceMapping): KubeObject {
  const rewritten = rewriteSelectors(object, map) as KubeObject;
  const ns = object.metadata.namespace;
  return ns === undefined ? rewritten : { ...rewritten, metadata: { ...rewritten.metadata, namespace: map(ns) } };
}

function rewriteSelectors(value: unknown, map: NamespaceMapping): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteSelectors(v, map));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "matchLabels" && isRecord(v)) out[key] = rewriteMatchLabels(v, map);
    else if (key === "matchExpressions" && Array.isArray(v)) out[key] = v.map((e) => rewriteExpression(e, map));
    else out[key] = rewriteSelectors(v, map);
  }
  return out;
}

function rewriteMatchLabels(labels: Record<string, unknown>, map: NamespaceMapping): Record<string, unknown> {
  const value = labels[METADATA_NAME];
  return typeof value === "string" ? { ...labels, [METADATA_NAME]: map(value) } : labels;
}

function rewriteExpression(expression: unknown, map: NamespaceMapping): unknown {
  if (!isRecord(expression) || expression.key !== METADATA_NAME || !Array.isArray(expression.values)) return expression;
  return { ...expression, values: expression.values.map((v: unknown) => (typeof v === "string" ? map(v) : v)) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DNS_LABEL_MAX = 63;

/**
 * Run-unique names for a shared cluster: `<runId>-<planned>` (run ids start
 * `np-`), so two runs, or a run and the cluster's own namespaces, never meet.
 * Names that would pass 63 characters are cut and given a short hash of the
 * planned name, so two long names stay apart. Only the namespaces netproof
 * manages are renamed (`managed`); the cluster's own (kube-system) keep theirs.
 */
export function runNamespaceMapping(runId: string, managed: ReadonlySet<string>): NamespaceMapping {
  return (planned) => (managed.has(planned) ? runNamespaceName(runId, planned) : planned);
}

export function runNamespaceName(runId: string, planned: string): string {
  const full = `${runId}-${planned}`;
  if (full.length <= DNS_LABEL_MAX) return full;
  const hash = createHash("sha256").update(planned).digest("hex").slice(0, 6);
  return `${full.slice(0, DNS_LABEL_MAX - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
