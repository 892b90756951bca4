// Namespaces, workloads and externals of a validated scenario, with the checks
// that need more than one field (declared namespace, duplicate ports).

import type { Problem } from "../user-error.ts";
import { CLUSTER_DNS, CLUSTER_DNS_NAMESPACE } from "./cluster-dns.ts";
import { canonicalIp } from "../kube/cidr.ts";
import { labelValue, type Labels } from "../kube/labels.ts";
import type { ServedPort } from "../kube/ports.ts";
import type { PlannedNamespace, PlannedWorkload } from "./plan.ts";
import { describePort, servedPort } from "./ports.ts";
import type { ScenarioInput } from "./schema.ts";
import { didYouMeanHint } from "./suggest.ts";
import { formatPath, type Locator, type Path } from "./yaml-source.ts";

export const METADATA_NAME = "kubernetes.io/metadata.name";

export interface ScenarioModel {
  /** Managed namespaces in declaration order, then kube-system. */
  readonly namespaces: readonly PlannedNamespace[];
  /** Managed workloads in declaration order, then cluster DNS. */
  readonly workloads: readonly PlannedWorkload[];
  /** External name → canonical address. */
  readonly externals: ReadonlyMap<string, string>;
}

/** `fromManifests`: namespaces declared by Namespace manifests (labels complete), checked against `input`. */
export function buildModel(
  input: ScenarioInput,
  locate: Locator,
  fromManifests: readonly { readonly name: string; readonly labels: Labels }[] = [],
): { model: ScenarioModel; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (path: Path, message: string, hint?: string, key = false): void => {
    problems.push({ ...locate.at(path, { key }), field: formatPath(path), message, ...(hint ? { hint } : {}) });
  };

  const namespaces: PlannedNamespace[] = [];
  const documented = new Map(fromManifests.map((n) => [n.name, n.labels]));
  for (const [name, spec] of Object.entries(input.namespaces)) {
    if (name === "kube-system") {
      problem(["namespaces", name], "kube-system is always present and not created by netproof; do not declare it", undefined, true);
      continue;
    }
    const labels =
      documented.get(name) ?? namespaceLabels(name, spec?.labels ?? {}, (message) => problem(["namespaces", name, "labels", METADATA_NAME], message));
    documented.delete(name);
    namespaces.push({ name, labels, managed: true });
  }
  for (const [name, labels] of documented) namespaces.push({ name, labels, managed: true });
  const declared = namespaces.map((n) => n.name);

  const workloads: PlannedWorkload[] = [];
  for (const [id, spec] of Object.entries(input.workloads)) {
    const [namespace = "", name = ""] = id.split("/");
    if (!declared.includes(namespace)) {
      const hint = didYouMeanHint(namespace, declared) ?? `declare it under namespaces: (declared: ${declared.join(", ") || "none"})`;
      problem(["workloads", id], `workload ${id} is in namespace "${namespace}", which is not declared`, hint, true);
      continue;
    }
    const ports: ServedPort[] = [];
    (spec.ports ?? []).forEach((portSpec, i) => {
      const port = servedPort(portSpec);
      const clash = ports.find((p) => (p.port === port.port && p.protocol === port.protocol) || (port.name !== undefined && p.name === port.name));
      if (clash) {
        problem(["workloads", id, "ports", i], `duplicate port ${describePort(port)}: ${id} already serves ${describePort(clash)}`);
        return;
      }
      ports.push(port);
    });
    workloads.push({ id, name, namespace, labels: spec.labels ?? {}, ports, managed: true });
  }

  const externals = new Map<string, string>();
  for (const [name, address] of Object.entries(input.externals ?? {})) {
    externals.set(name, canonicalIp(address) ?? address);
  }

  return {
    model: { namespaces: [...namespaces, CLUSTER_DNS_NAMESPACE], workloads: [...workloads, CLUSTER_DNS], externals },
    problems,
  };
}

/** A namespace's labels with `kubernetes.io/metadata.name`, which Kubernetes always sets. */
export function namespaceLabels(name: string, labels: Labels, onConflict: (message: string) => void): Labels {
  const written = labelValue(labels, METADATA_NAME);
  if (written !== undefined && written !== name) {
    onConflict(`${METADATA_NAME} is always the namespace's own name ("${name}"), not "${written}"`);
  }
  return { ...labels, [METADATA_NAME]: name };
}
