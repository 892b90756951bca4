// Waiting for pods by bounded polling (one list per namespace per tick), and
// saying what is wrong with the ones that never become Ready: the pod's own
// status first (image pulls name the image and node, Pending says why it is
// not scheduled), its latest Warning event otherwise.
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import type { PodRef, ReadyPod, WaitOptions } from "../port.ts";
import { apiFailure } from "./api-error.ts";

const POLL_MIN_MS = 200;
const POLL_MAX_MS = 1000;

/** Waiting reasons after which a pod cannot become Ready without a change to the object. */
const HOPELESS = new Set(["InvalidImageName", "CreateContainerConfigError", "CreateContainerError"]);

export class PodsNotReady extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "PodsNotReady";
  }
}

export async function waitForPods(core: CoreV1Api, pods: readonly PodRef[], options: WaitOptions): Promise<ReadyPod[]> {
  const deadline = Date.now() + options.timeoutMs;
  const namespaces = [...new Set(pods.map((p) => p.namespace))];
  let pause = POLL_MIN_MS;
  let lastProgress = "";
  for (;;) {
    const seen = new Map<string, V1Pod>();
    for (const namespace of namespaces) {
      const list = await core.listNamespacedPod({ namespace }).catch((error: unknown) => {
        throw new Error(`listing pods in namespace ${namespace}: ${apiFailure(error).message}`);
      });
      for (const pod of list.items) seen.set(key(namespace, pod.metadata?.name ?? ""), pod);
    }
    const ready: ReadyPod[] = [];
    const hopeless: string[] = [];
    for (const ref of pods) {
      const pod = seen.get(key(ref.namespace, ref.name));
      const up = pod && readyPod(ref, pod);
      if (up) ready.push(up);
      else if (pod && isHopeless(pod)) hopeless.push(await diagnose(core, ref, pod));
    }
    const progress = `${ready.length}/${pods.length} pods ready`;
    if (progress !== lastProgress) options.onProgress?.(progress);
    lastProgress = progress;
    if (ready.length === pods.length) return ready;
    if (hopeless.length) throw new PodsNotReady(hopeless);
    if (Date.now() >= deadline) {
      const problems: string[] = [];
      for (const ref of pods) {
        const pod = seen.get(key(ref.namespace, ref.name));
        if (!pod || !readyPod(ref, pod)) problems.push(await diagnose(core, ref, pod));
      }
      throw new PodsNotReady([`${progress} after ${Math.round(options.timeoutMs / 1000)} s:`, ...problems.map((p) => `  ${p}`)]);
    }
    await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(POLL_MAX_MS, pause * 2);
  }
}

function readyPod(ref: PodRef, pod: V1Pod): ReadyPod | undefined {
  const status = pod.status;
  const ready = status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
  const ip = status?.podIPs?.find((a) => !a.ip.includes(":"))?.ip ?? status?.podIP;
  if (!ready || status?.phase !== "Running" || !ip) return undefined;
  return { namespace: ref.namespace, name: ref.name, ip, node: pod.spec?.nodeName ?? "" };
}

function isHopeless(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return true;
  // netproof's pods are long-running servers and clients: one that crash-loops will not settle.
  return containerStatuses(pod).some((c) => HOPELESS.has(c.state?.waiting?.reason ?? "") || (c.state?.waiting?.reason === "CrashLoopBackOff" && c.lastState?.terminated));
}

function containerStatuses(pod: V1Pod) {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** One line naming the pod and what keeps it from Ready. */
export async function diagnose(core: CoreV1Api, ref: PodRef, pod: V1Pod | undefined): Promise<string> {
  const name = `pod ${ref.namespace}/${ref.name}`;
  if (!pod) return `${name} does not exist`;
  const node = pod.spec?.nodeName;
  const on = node ? ` on node ${node}` : "";
  const phase = pod.status?.phase ?? "Unknown";
  if (phase === "Failed" || phase === "Succeeded") {
    return `${name}${on} has exited (phase ${phase})${pod.status?.message ? `: ${pod.status.message}` : ""}; netproof pods must keep running`;
  }
  for (const c of containerStatuses(pod)) {
    const waiting = c.state?.waiting;
    if (!waiting?.reason) continue;
    if (waiting.reason === "ErrImagePull" || waiting.reason === "ImagePullBackOff" || waiting.reason === "InvalidImageName") {
      return `${name}${on} cannot pull image ${c.image}${waiting.message ? `: ${waiting.message}` : ` (${waiting.reason})`}`;
    }
    if (waiting.reason === "CrashLoopBackOff") {
      const last = c.lastState?.terminated;
      return `${name}${on}: container ${c.name} keeps crashing${last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ""})` : ""}`;
    }
    if (waiting.reason !== "ContainerCreating" && waiting.reason !== "PodInitializing") {
      return `${name}${on}: container ${c.name} is waiting: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
    }
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) {
    return `${name} is Pending, not scheduled: ${unscheduled.message ?? unscheduled.reason ?? "no reason given"}`;
  }
  const event = await latestWarning(core, ref);
  if (event) return `${name}${on} is ${phase}: ${event}`;
  const notReady = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status !== "True");
  if (notReady?.message) return `${name}${on} is ${phase} but not Ready: ${notReady.message}`;
  return `${name}${on} is ${phase} and not Ready yet`;
}

async function latestWarning(core: CoreV1Api, ref: PodRef): Promise<string | undefined> {
  try {
    const events = await core.listNamespacedEvent({
      namespace: ref.namespace,
      fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${ref.name}`,
    });
    const warnings = events.items
      .filter((e) => e.type === "Warning")
      .sort((a, b) => time(a.lastTimestamp ?? a.eventTime) - time(b.lastTimestamp ?? b.eventTime));
    const last = warnings.at(-1);
    return last ? `${last.reason ?? "Warning"}: ${last.message ?? ""}`.trim() : undefined;
  } catch {
    return undefined; // events are a hint; a user without RBAC for them still gets the status line
  }
}

function time(value: Date | string | undefined): number {
  return value ? new Date(value).getTime() : 0;
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
