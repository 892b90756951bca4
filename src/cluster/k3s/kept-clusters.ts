// Kept clusters: `--keep` leaves one up and says how to reach it; `--reuse`
// finds one of the same profile by its labels and runs on it.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { UserError } from "../../user-error.ts";
import type { BringUpContext } from "./docker-errors.ts";
import { execInContainer } from "./docker-exec.ts";
import { findKept, removeRun, runLabels } from "./docker-resources.ts";
import { RUN_LABEL } from "../port.ts";
import { startExternals } from "./externals-containers.ts";
import { kubectlGateReader } from "./kubectl-reader.ts";
import type { ResolvedProfile } from "./profiles.ts";
import { waitForGate } from "./readiness.ts";
import { describeCluster, type K3sCluster } from "./k3s-cluster.ts";

const KUBE_API_PORT = 6443;

export function announceKept(log: (line: string) => void, profile: string, runId: string, container: string, network: string, kubeconfig: string, dir: string): void {
  const folder = join(dir, "kept");
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${profile}.kubeconfig`);
  writeFileSync(file, kubeconfig, { mode: 0o600 });
  chmodSync(file, 0o600);
  log(`netproof: kept the ${profile} cluster (container ${container})`);
  log(`  reach it:   kubectl --kubeconfig ${file} get pods -A`);
  log(`  run on it:  add --reuse`);
  log(`  remove it:  docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${runId}) && docker network rm ${network}`);
}

export async function reuseKept(
  docker: Dockerode,
  profile: ResolvedProfile,
  progress: (phase: string) => void,
  ctx: BringUpContext,
): Promise<K3sCluster | undefined> {
  const kept = (await findKept(docker, profile.name))[0];
  if (!kept) return undefined;
  const name = (kept.Names[0] ?? kept.Id).replace(/^\//, "");
  progress(`reusing kept container ${name}`);
  const port = kept.Ports.find((p) => p.PrivatePort === KUBE_API_PORT && p.PublicPort)?.PublicPort;
  if (!port) throw new UserError({ message: `kept container ${name} publishes no port for ${KUBE_API_PORT}`, hint: `remove it (docker rm -f ${name}) and start a new cluster` });
  const r = await execInContainer(docker, kept.Id, ["k3s", "kubectl", "config", "view", "--raw"]);
  if (r.exitCode !== 0) throw new UserError({ message: `could not read the kubeconfig of kept container ${name}: ${r.stderr.trim()}` });
  await waitForGate(profile.ready, kubectlGateReader((argv) => execInContainer(docker, kept.Id, argv)), { timeoutMs: 60_000, onProgress: progress });
  const runId = kept.Labels[RUN_LABEL] ?? "";
  // This run's own containers (its externals) carry a run id of their own.
  const externalsRun = randomBytes(4).toString("hex");
  const network = Object.keys(kept.NetworkSettings?.Networks ?? {})[0] ?? "";
  return {
    kubeconfig: r.stdout.replace(/server:\s?[:/.\d\w]+/, `server: https://${hostOf(ctx.dockerHost)}:${port}`),
    description: `${describeCluster(profile, name)}, reused`,
    runId,
    containerName: name,
    provideExternals: (endpoints, image) =>
      startExternals(docker, kept.Id, endpoints, { image, network, runId: externalsRun, labels: runLabels(externalsRun, profile.name, false) }),
    // No handler of the bring-up's own to hand over: nothing is started until provideExternals.
    handOverSignals: () => undefined,
    reused: true,
    // A kept cluster outlives the run; this run's externals do not.
    stop: async () => {
      await removeRun(docker, externalsRun);
    },
  };
}

function hostOf(dockerHost: string): string {
  const m = /^tcp:\/\/([^:/]+)/.exec(dockerHost);
  return m?.[1] ?? "localhost";
}
