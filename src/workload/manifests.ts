// A phase's manifests as they go to the cluster: `{{ ip <workload> }}`
// templates rendered with the real pod IPs, the run's ownership labels added
// (so cleanup deletes only what this run applied), and namespaces renamed.
import type { KubeObject } from "../kube/object.ts";
import type { Phase, PlannedManifest } from "../scenario/plan.ts";
import { renderManifest } from "../scenario/render.ts";
import type { ObjectRef } from "../kube/object.ts";
import { identityMapping, rewriteNamespaces } from "./namespaces.ts";
import { objectRef, ownershipLabels, type RenderContext } from "./objects.ts";

export function renderPhaseManifests(phase: Phase, ips: Readonly<Record<string, string>>, ctx: RenderContext): KubeObject[] {
  return phase.manifests.map((m) => renderForCluster(m, ips, ctx));
}

export function renderForCluster(manifest: PlannedManifest, ips: Readonly<Record<string, string>>, ctx: RenderContext): KubeObject {
  const rendered = rewriteNamespaces(renderManifest(manifest.object, ips), ctx.mapNamespace ?? identityMapping);
  return {
    ...rendered,
    metadata: { ...rendered.metadata, labels: { ...(rendered.metadata.labels ?? {}), ...ownershipLabels(ctx.runId) } },
  };
}

/** Manifests in force before and gone now (deleted by the step), as the cluster names them. */
export function removedManifests(before: Phase | undefined, now: Phase, ctx: RenderContext): ObjectRef[] {
  if (!before) return [];
  const kept = new Set(now.manifests.map((m) => m.id));
  return before.manifests.filter((m) => !kept.has(m.id)).map((m) => objectRef(rewriteNamespaces(m.object, ctx.mapNamespace ?? identityMapping)));
}
