// What makes an object this run's: the owner label and the run label. The
// adapter refuses to touch anything that does not carry both, so a scenario
// can never overwrite or delete a team's own objects on a shared cluster.
import type { KubeObject } from "../../kube/object.ts";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL } from "../port.ts";

export function runSelector(runId: string): string {
  return `${OWNER_LABEL}=${OWNER_VALUE},${RUN_LABEL}=${runId}`;
}

export const OWNER_SELECTOR = `${OWNER_LABEL}=${OWNER_VALUE}`;

export function isOwnedBy(labels: Readonly<Record<string, string>> | undefined, runId: string): boolean {
  return labels?.[OWNER_LABEL] === OWNER_VALUE && labels?.[RUN_LABEL] === runId;
}

/**
 * The object with the run's labels. The caller renders them; an object that
 * names another run is a bug in the caller, not something to overwrite.
 */
export function withRunLabels(object: KubeObject, runId: string): KubeObject {
  const labels = object.metadata.labels ?? {};
  const run = labels[RUN_LABEL];
  if (run !== undefined && run !== runId) {
    throw new Error(`${describe(object)} carries ${RUN_LABEL}=${run}, not this run's ${runId}`);
  }
  if (labels[OWNER_LABEL] === OWNER_VALUE && run === runId) return object;
  return { ...object, metadata: { ...object.metadata, labels: { ...labels, [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: runId } } };
}

export function describe(ref: { kind: string; metadata?: { name?: string; namespace?: string }; name?: string; namespace?: string }): string {
  const name = ref.metadata?.name ?? ref.name ?? "?";
  const namespace = ref.metadata?.namespace ?? ref.namespace;
  return `${ref.kind} ${namespace ? `${namespace}/` : ""}${name}`;
}
