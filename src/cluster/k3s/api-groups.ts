// Which API groups a cluster profile serves beyond Kubernetes' own, so that a
// scenario with Calico's own policies (projectcalico.org/v3) is refused up
// front on a profile that cannot apply them, instead of failing mid-run.
import { apiGroup, type KubeObject } from "../../kube/object.ts";
import { UserError } from "../../user-error.ts";
import type { ResolvedProfile } from "./profiles.ts";

export const CALICO_V3 = "projectcalico.org/v3";

/** The CNI-specific API versions this module knows of; anything else is left to the cluster. */
const CNI_GROUPS = new Set(["projectcalico.org", "crd.projectcalico.org"]);

export function isCalicoV3(object: Pick<KubeObject, "apiVersion">): boolean {
  return object.apiVersion === CALICO_V3;
}

/**
 * Checks that the profile can apply every CNI-specific object of the run.
 * `crd.projectcalico.org/v1` is refused everywhere: it is Calico's internal
 * storage and skips its validation and defaulting (calico#6412).
 */
export function checkServedApis(profile: ResolvedProfile, objects: readonly KubeObject[]): void {
  const served = new Set(profile.cni?.serves ?? []);
  const problems = [];
  for (const o of objects) {
    const group = apiGroup(o.apiVersion);
    if (!CNI_GROUPS.has(group)) continue;
    const what = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name} (${o.apiVersion})`;
    if (group === "crd.projectcalico.org") {
      problems.push({ message: `${what}: crd.projectcalico.org is Calico's internal storage and skips its validation`, hint: `write apiVersion: ${CALICO_V3}` });
    } else if (!served.has(o.apiVersion)) {
      const servers = "k3s-calico";
      problems.push({
        message: `${what}: cluster profile ${profile.name} does not serve ${o.apiVersion}`,
        hint: `use --cluster ${servers}, or a --kubeconfig cluster that runs Calico's API server`,
      });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
}
