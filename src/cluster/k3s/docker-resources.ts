// What a run creates in Docker carries its labels, and cleanup removes by
// label: the testcontainers reaper (Ryuk) is off, and may not even be
// pullable, so netproof removes what it started itself.
import type Dockerode from "dockerode";
import { OWNER_LABEL, OWNER_VALUE, RUN_LABEL } from "../port.ts";

export const PROFILE_LABEL = "netproof.dev/cluster-profile";
export const KEEP_LABEL = "netproof.dev/keep";
export const ROLE_LABEL = "netproof.dev/role";

export function runLabels(runId: string, profile: string, keep: boolean): Record<string, string> {
  return { [OWNER_LABEL]: OWNER_VALUE, [RUN_LABEL]: runId, [PROFILE_LABEL]: profile, [KEEP_LABEL]: String(keep) };
}

/** Removes every container, then every network, carrying the run's label. Safe to call twice. */
export async function removeRun(docker: Dockerode, runId: string): Promise<{ containers: number; networks: number }> {
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${runId}`, `${OWNER_LABEL}=${OWNER_VALUE}`] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => ignoreGone(docker.getContainer(c.Id).remove({ force: true, v: true }))));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => ignoreGone(docker.getNetwork(n.Id).remove())));
  return { containers: containers.length, networks: networks.length };
}

/** Kept, running k3s containers of a profile, newest first. */
export async function findKept(docker: Dockerode, profile: string): Promise<Dockerode.ContainerInfo[]> {
  const filters = JSON.stringify({
    label: [`${OWNER_LABEL}=${OWNER_VALUE}`, `${PROFILE_LABEL}=${profile}`, `${KEEP_LABEL}=true`, `${ROLE_LABEL}=k3s`],
    status: ["running"],
  });
  const list = await docker.listContainers({ filters });
  return list.sort((a, b) => b.Created - a.Created);
}

async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 404 || status === 409) return; // gone, or removal already in progress
    throw e;
  }
}
