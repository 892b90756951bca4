// The k3s adapter: one container from @testcontainers/k3s, configured by a
// cluster profile (image, flags, CNI manifests and patches, readiness gate),
// removed by netproof itself on success, failure, Ctrl-C and SIGTERM.
import { randomBytes } from "node:crypto";
import Dockerode from "dockerode";
import { UserError } from "../../user-error.ts";
import { explainBringUpError, noDockerEngine, type BringUpContext } from "./docker-errors.ts";
import { removeRun, runLabels, ROLE_LABEL } from "./docker-resources.ts";
import { execInContainer, lastLogLines } from "./docker-exec.ts";
import { startExternals } from "./externals-containers.ts";
import { kubectlGateReader } from "./kubectl-reader.ts";
import { cacheDir } from "./manifest-cache.ts";
import { prepareCniManifests } from "./cni-manifests.ts";
import { announceKept, reuseKept } from "./kept-clusters.ts";
import { describeCluster, type K3sCluster } from "./k3s-cluster.ts";
import type { ResolvedProfile } from "./profiles.ts";
import { GateTimeout, waitForGate } from "./readiness.ts";
import { SignalGuard } from "./signal-guard.ts";

/** Where k3s applies manifests by itself. */
const AUTO_DEPLOY_DIR = "/var/lib/rancher/k3s/server/manifests";
const GATE_TIMEOUT_MS = 300_000;

export interface StartOptions {
  /** Labels everything this run creates; random when absent. */
  readonly runId?: string;
  /** Leave the cluster up after the run and print how to reach it. */
  readonly keep?: boolean;
  /** Run on a kept cluster of the same profile when there is one. */
  readonly reuse?: boolean;
  readonly cacheDir?: string;
  /** One line of progress; stderr by default. */
  readonly log?: (line: string) => void;
  /** Remove the run's containers and exit 130/143 on SIGINT/SIGTERM (default true). */
  readonly handleSignals?: boolean;
  readonly gateTimeoutMs?: number;
}


export type { K3sCluster };

export async function startK3s(profile: ResolvedProfile, options: StartOptions = {}): Promise<K3sCluster> {
  // The reaper's image may not be pullable, and netproof removes what it starts.
  process.env["TESTCONTAINERS_RYUK_DISABLED"] ??= "true";
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const began = Date.now();
  const progress = (phase: string): void => log(`netproof: k3s [${((Date.now() - began) / 1000).toFixed(1)} s] ${phase}`);
  const ctx: BringUpContext = { image: profile.image, dockerHost: process.env["DOCKER_HOST"] || "unix:///var/run/docker.sock" };
  const docker = new Dockerode();
  await ping(docker, ctx);

  if (options.reuse) {
    const kept = await reuseKept(docker, profile, progress, ctx);
    if (kept) return kept;
    progress(`no kept ${profile.name} cluster; starting a new one`);
  }

  const runId = options.runId ?? randomBytes(4).toString("hex");
  const keep = options.keep === true;
  const labels = runLabels(runId, profile.name, keep);
  const network = `netproof-${runId}`;
  const containerName = `netproof-${runId}-k3s`;
  const guard = options.handleSignals === false ? undefined : new SignalGuard(docker, runId, progress);
  let released = false;
  let createdId: string | undefined;
  const removeAll = async (): Promise<void> => {
    if (released) return;
    released = true;
    guard?.release();
    await removeRun(docker, runId);
  };

  try {
    const manifests = await prepareCniManifests(profile, options.cacheDir ?? cacheDir(), log, progress);

    progress(`network ${network}`);
    await docker.createNetwork({ Name: network, Labels: labels, CheckDuplicate: true });

    progress(`starting ${profile.image}`);
    const { K3sContainer } = await import("@testcontainers/k3s");
    const { Wait } = await import("testcontainers");
    // The hooks tell the signal guard when a container exists to be removed.
    class TrackedK3sContainer extends K3sContainer {
      protected override async beforeContainerCreated(): Promise<void> {
        guard?.creating();
        await super.beforeContainerCreated();
      }
      protected override async containerCreated(containerId: string): Promise<void> {
        createdId = containerId;
        guard?.created(containerId);
      }
    }
    const starting = new TrackedK3sContainer(profile.image)
      .withCommand([...profile.args])
      .withWaitStrategy(Wait.forLogMessage(profile.readyLog))
      .withStartupTimeout(profile.startupTimeoutMs)
      .withLabels({ ...labels, [ROLE_LABEL]: "k3s" })
      .withNetworkMode(network)
      .withName(containerName)
      .start();
    guard?.starting(starting);
    const container = await starting;
    const id = container.getId();
    const exec = (argv: readonly string[]) => execInContainer(docker, id, argv);

    if (profile.sharedRootMount) {
      progress("mount --make-rshared /");
      const r = await exec(["mount", "--make-rshared", "/"]);
      if (r.exitCode !== 0) throw new Error(`mount --make-rshared / in the k3s container failed: ${r.stderr.trim()}`);
    }
    if (manifests.length > 0) {
      progress(`applying ${manifests.map((m) => m.name).join(", ")}`);
      await container.copyContentToContainer(
        manifests.map((m) => ({ content: m.yaml, target: `${AUTO_DEPLOY_DIR}/netproof-${m.name}.yaml` })),
      );
    }

    progress("waiting for the readiness gate");
    try {
      await waitForGate(profile.ready, kubectlGateReader(exec), {
        timeoutMs: options.gateTimeoutMs ?? GATE_TIMEOUT_MS,
        onProgress: (status) => progress(status),
      });
    } catch (e) {
      if (e instanceof GateTimeout) {
        throw new UserError({ message: `${profile.name}: ${e.message}`, hint: `see the node's view with: docker logs ${containerName} (run with --keep to leave it up)` });
      }
      throw e;
    }

    const kubeconfig = container.getKubeConfig();
    progress("ready");
    if (keep) {
      guard?.release();
      released = true;
      announceKept(log, profile.name, runId, containerName, network, kubeconfig, options.cacheDir ?? cacheDir());
    }
    return {
      kubeconfig,
      description: describeCluster(profile, containerName),
      runId,
      containerName,
      provideExternals: (endpoints, image) => startExternals(docker, id, endpoints, { image, network, runId, labels }),
      handOverSignals: () => guard?.release(),
      reused: false,
      stop: async () => {
        if (!keep) await removeAll();
      },
    };
  } catch (e) {
    const logTail = createdId ? await lastLogLines(docker, createdId, 15).catch(() => undefined) : undefined;
    await removeAll().catch(() => {});
    throw explainBringUpError(e, { ...ctx, ...(logTail ? { logTail } : {}) }) ?? e;
  }
}

async function ping(docker: Dockerode, ctx: BringUpContext): Promise<void> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 5 s")), 5000).unref()),
    ]);
  } catch (e) {
    const detail = e instanceof Error ? (e as NodeJS.ErrnoException).code ?? e.message : String(e);
    throw noDockerEngine(ctx, detail);
  }
}


