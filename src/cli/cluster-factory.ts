// Which cluster a live run uses. `--kubeconfig FILE [--context NAME]`: an
// existing cluster, through the Kubernetes adapter, with run-unique namespace
// names (it may be shared). Otherwise (`--cluster <profile>`, default
// k3s-calico): a throwaway k3s in Docker, handed to the same adapter by its
// kubeconfig, and removed in the run's own cleanup. Without --kubeconfig
// netproof never reaches an existing cluster. Wiring only.
import type { Cluster, ExternalEndpoint } from "../cluster/port.ts";
import { connectKubeconfig } from "../cluster/kubernetes/index.ts";
import { startK3s, type K3sCluster } from "../cluster/k3s/start-k3s.ts";
import { loadProfile, resolveProfile, DEFAULT_CLUSTERS_DIR } from "../cluster/k3s/profiles.ts";
import { checkServedApis } from "../cluster/k3s/api-groups.ts";
import type { Plan } from "../scenario/plan.ts";
import { NETSHOOT_IMAGE } from "../workload/image.ts";
import { identityMapping, runNamespaceMapping, type NamespaceMapping } from "../workload/namespaces.ts";
import { UserError } from "../user-error.ts";

export interface ClusterFlags {
  readonly cluster?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly keep?: boolean;
  readonly reuse?: boolean;
  readonly calicoVersion?: string;
  readonly image?: string;
}

export interface OpenedCluster {
  /** The run's cluster; its cleanup() also removes a k3s netproof started. */
  readonly cluster: Cluster;
  /** Planned namespace -> the name on the cluster. */
  readonly mapNamespace: NamespaceMapping;
  /** The same cleanup, for paths that end before the run does; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenContext {
  readonly runId: string;
  /** One line of progress (stderr). */
  readonly log: (line: string) => void;
  /** Where cluster profiles live; NETPROOF_CLUSTERS_DIR or clusters/. */
  readonly clustersDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function clustersDir(env: NodeJS.ProcessEnv = process.env): string {
  return env["NETPROOF_CLUSTERS_DIR"] || DEFAULT_CLUSTERS_DIR;
}

export async function openCluster(flags: ClusterFlags, plan: Plan, ctx: OpenContext): Promise<OpenedCluster> {
  checkFlagCombination(flags);
  return flags.kubeconfig !== undefined ? openKubeconfig(flags.kubeconfig, flags.context, plan, ctx) : openK3s(flags, plan, ctx);
}

function checkFlagCombination(flags: ClusterFlags): void {
  if (flags.kubeconfig !== undefined) {
    const k3sOnly = [
      flags.cluster !== undefined ? "--cluster" : "",
      flags.keep ? "--keep" : "",
      flags.reuse ? "--reuse" : "",
      flags.calicoVersion !== undefined ? "--calico-version" : "",
    ].filter(Boolean);
    if (k3sOnly.length > 0) {
      throw new UserError({
        message: `${k3sOnly.join(", ")} ${k3sOnly.length === 1 ? "applies" : "apply"} to a k3s cluster netproof starts, not to --kubeconfig`,
        hint: "drop them, or drop --kubeconfig to run on a throwaway k3s",
      });
    }
  } else if (flags.context !== undefined) {
    throw new UserError({ message: "--context names a context of a kubeconfig, and no --kubeconfig was given", hint: "add --kubeconfig FILE" });
  }
}

async function openKubeconfig(file: string, context: string | undefined, plan: Plan, ctx: OpenContext): Promise<OpenedCluster> {
  const cluster = await connectKubeconfig({ file, ...(context !== undefined ? { context } : {}), runId: ctx.runId });
  const k = cluster.kubeconfig;
  ctx.log(`netproof: kubeconfig ${k.file}, context ${k.context}${k.contextFromFile ? " (the file's current context)" : ""}, server ${k.server} (${cluster.serverVersion})`);
  // A cluster reached by kubeconfig may be shared: the run's namespaces get names of their own.
  const mapNamespace = runNamespaceMapping(ctx.runId, managedNamespaces(plan));
  ctx.log(`netproof: run ${ctx.runId}; namespaces ${[...managedNamespaces(plan)].map((n) => `${n} as ${mapNamespace(n)}`).join(", ")}`);
  const wrapped = delegate(cluster, { cleanup: () => cluster.cleanup() });
  return { cluster: wrapped, mapNamespace, close: () => wrapped.cleanup() };
}

async function openK3s(flags: ClusterFlags, plan: Plan, ctx: OpenContext): Promise<OpenedCluster> {
  const dir = ctx.clustersDir ?? clustersDir(ctx.env);
  const profile = resolveProfile(loadProfile(flags.cluster, dir), {
    ...(flags.calicoVersion !== undefined ? { cniVersion: flags.calicoVersion } : {}),
    ...(ctx.env ? { env: ctx.env } : {}),
  });
  // Refused before anything starts: a profile that cannot apply the scenario's objects.
  checkServedApis(profile, plan.phases.flatMap((p) => p.manifests.map((m) => m.object)));
  const k3s = await startK3s(profile, { runId: ctx.runId, keep: flags.keep === true, reuse: flags.reuse === true, log: ctx.log });
  let kube;
  try {
    kube = await connectKubeconfig({ file: `(k3s ${k3s.containerName})`, text: k3s.kubeconfig, runId: ctx.runId });
  } catch (error) {
    await k3s.stop();
    throw error;
  }
  // A fresh k3s is this run's alone: the planned names read best in kubectl.
  // A reused (kept) one may serve several runs, so it gets run-unique names.
  const mapNamespace = k3s.reused ? runNamespaceMapping(ctx.runId, managedNamespaces(plan)) : identityMapping;
  const cluster = k3sRun(kube, k3s, flags);
  // Last, with no await after it: the run's own handler takes over Ctrl-C and SIGTERM.
  k3s.handOverSignals();
  return { cluster, mapNamespace, close: () => cluster.cleanup() };
}

/**
 * The Kubernetes adapter on a k3s netproof started: externals are containers
 * next to the node, and cleanup removes the container. The run's objects are
 * deleted one by one only where the cluster outlives the run (--keep, --reuse).
 */
function k3sRun(kube: Cluster, k3s: K3sCluster, flags: ClusterFlags): Cluster {
  const image = flags.image ?? NETSHOOT_IMAGE;
  const outlivesRun = flags.keep === true || k3s.reused;
  return delegate(kube, {
    info: async () => ({ ...(await kube.info()), description: k3s.description }),
    provideExternals: (endpoints: readonly ExternalEndpoint[]) => k3s.provideExternals(endpoints, image),
    cleanup: async () => {
      try {
        if (outlivesRun) await kube.cleanup();
      } finally {
        await k3s.stop();
      }
    },
  });
}

/** `base` with some methods replaced; cleanup runs once however often it is called. */
function delegate(base: Cluster, overrides: Partial<Cluster> & Pick<Cluster, "cleanup">): Cluster {
  let cleaning: Promise<void> | undefined;
  return {
    info: () => base.info(),
    apply: (objects) => base.apply(objects),
    delete: (refs) => base.delete(refs),
    waitForPods: (pods, options) => base.waitForPods(pods, options),
    serviceAddresses: (services) => base.serviceAddresses(services),
    exec: (pod, argv, options) => base.exec(pod, argv, options),
    provideExternals: (endpoints) => base.provideExternals(endpoints),
    created: () => base.created(),
    ...overrides,
    cleanup: () => (cleaning ??= overrides.cleanup()),
  };
}

function managedNamespaces(plan: Plan): Set<string> {
  return new Set(plan.phases.flatMap((p) => p.namespaces.filter((n) => n.managed).map((n) => n.name)));
}
