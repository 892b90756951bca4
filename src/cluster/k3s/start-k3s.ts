// The k3s adapter: one container from @testcontainers/k3s, configured by a
// cluster profile (image, flags, CNI manifests and patches, readiness gate),
// removed by netproof itself on success, failure, Ctrl-C and SIGTERM.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Dockerode from "dockerode";
import type { ExternalEndpoint, ExternalsProvided } from "../port.ts";
import { UserError } from "../../user-error.ts";
import { explainBringUpError, noDockerEngine, type BringUpContext } from "./docker-errors.ts";
import { findKept, removeRun, runLabels, ROLE_LABEL } from "./docker-resources.ts";
import { execInContainer, lastLogLines } from "./docker-exec.ts";
import { startExternals } from "./externals-containers.ts";
import { kubectlGateReader } from "./kubectl-reader.ts";
import { cacheDir, fetchManifest } from "./manifest-cache.ts";
import { applyPatches, parseManifest, renderManifest } from "./manifest-patches.ts";
import type { ResolvedProfile } from "./profiles.ts";
import { GateTimeout, waitForGate } from "./readiness.ts";
import { SignalGuard } from "./signal-guard.ts";

/** Where k3s applies manifests by itself. */
const AUTO_DEPLOY_DIR = "/var/lib/rancher/k3s/server/manifests";
const KUBE_API_PORT = 6443;
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

export interface K3sCluster {
  /** For the Kubernetes adapter: the API server at its host port. */
  readonly kubeconfig: string;
  /** e.g. `k3s-calico (Calico 3.33.1, container netproof-1a2b3c4d-k3s)`. */
  readonly description: string;
  readonly runId: string;
  readonly containerName: string;
  /** Starts a netproof server per IPv4 external address on the cluster's network (image: the pods' netshoot). */
  provideExternals(endpoints: readonly ExternalEndpoint[], image: string): Promise<ExternalsProvided>;
  /** Removes the containers and network of the run (unless kept); safe to call twice. */
  stop(): Promise<void>;
}

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
    const manifests = [];
    for (const m of profile.cni?.manifests ?? []) {
      progress(`${profile.cni?.name} ${profile.cni?.version}: manifest ${m.name}`);
      const fetched = await fetchManifest(m, {
        dir: options.cacheDir ?? cacheDir(),
        pinLocation: `${profile.file} cni.checksums["${profile.cni?.version}"].${m.name}`,
        warn: (line) => log(`netproof: warning: ${line}`),
      });
      const index = profile.cni!.manifests.indexOf(m);
      const objects = applyPatches(parseManifest(fetched.text, m.url), m.patches, {
        profileFile: profile.file,
        field: `cni.manifests[${index}].patches`,
        source: m.url,
      });
      manifests.push({ name: m.name, yaml: renderManifest(objects) });
    }

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
      announceKept(log, profile.name, containerName, network, kubeconfig, options.cacheDir ?? cacheDir());
    }
    return {
      kubeconfig,
      description: describe(profile, containerName),
      runId,
      containerName,
      provideExternals: (endpoints, image) => startExternals(docker, id, endpoints, { image, network, runId, labels }),
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

function describe(profile: ResolvedProfile, container: string): string {
  const cni = profile.cni ? `${profile.cni.name} ${profile.cni.version}` : profile.enforcesPolicy ? "flannel + kube-router" : "flannel, no policy enforcement";
  return `${profile.name} (${cni}, container ${container})`;
}

function announceKept(log: (line: string) => void, profile: string, container: string, network: string, kubeconfig: string, dir: string): void {
  const folder = join(dir, "kept");
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${profile}.kubeconfig`);
  writeFileSync(file, kubeconfig, { mode: 0o600 });
  chmodSync(file, 0o600);
  log(`netproof: kept the ${profile} cluster (container ${container})`);
  log(`  reach it:   kubectl --kubeconfig ${file} get pods -A`);
  log(`  run on it:  add --reuse`);
  log(`  remove it:  docker rm -f ${container} && docker network rm ${network}`);
}

async function reuseKept(
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
  const runId = kept.Labels["netproof.dev/run"] ?? "";
  const network = Object.keys(kept.NetworkSettings?.Networks ?? {})[0] ?? "";
  return {
    kubeconfig: r.stdout.replace(/server:\s?[:/.\d\w]+/, `server: https://${hostOf(ctx.dockerHost)}:${port}`),
    description: `${describe(profile, name)}, reused`,
    runId,
    containerName: name,
    provideExternals: (endpoints, image) =>
      startExternals(docker, kept.Id, endpoints, { image, network, runId: randomBytes(4).toString("hex"), labels: runLabels(runId, profile.name, true) }),
    // A kept cluster outlives the run.
    stop: async () => {},
  };
}

function hostOf(dockerHost: string): string {
  const m = /^tcp:\/\/([^:/]+)/.exec(dockerHost);
  return m?.[1] ?? "localhost";
}
