// The API stand-in: a real HTTP server speaking the subset of the Kubernetes
// API that client-node and kubectl use, whose pods, Services and namespaces
// are forwarded to a backing Cluster (the lab adapter) and whose pod status
// comes from it. Test support only: src/ never imports it.
//
// Where it differs from a real API server, on purpose:
// - no OpenAPI documents: kubectl apply runs with --validate=false (see README);
// - `get` answers plain lists, never Tables (kubectl accepts them);
// - server-side apply keeps one manager's view: the applied object replaces
//   the previous one except server-set fields (uid, status, clusterIP,
//   nodeName); no managedFields, no conflicts between managers;
// - exec speaks websockets (v5/v4.channel.k8s.io) only, not SPDY.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { parse as parseYaml } from "yaml";
import type { KubeObject } from "../../src/kube/object.ts";
import { PredictedEnforcer, type FaultSink } from "./enforcer.ts";
import { podStatusFeed, type BackingCluster, type BackingPodStatus } from "./backing.ts";
import { handleExecUpgrade } from "./exec.ts";
import { ApiError, badRequest, notFound, sendError, sendJson } from "./http-util.ts";
import { apiVersionOf, ResourceTable, splitApiVersion, type ResourceKind } from "./resources.ts";
import { parseFieldSelector, parseLabelSelector } from "./selectors.ts";
import { Store, type StoredObject } from "./store.ts";

export interface StandInOptions {
  readonly backing: BackingCluster;
  /** Reported by `/version`. */
  readonly version?: { major: string; minor: string };
  /** Images the stand-in's "kubelet" cannot pull (the pod then waits in ErrImagePull). */
  readonly unpullable?: (image: string) => boolean;
  /** The node the stand-in schedules on until the backing names one. */
  readonly nodeName?: string;
  readonly podReadyTimeoutMs?: number;
  /** Deny what the oracle denies, by setting these faults (the lab adapter's setFaults); absent = enforce nothing, like flannel. */
  readonly enforceAsPredicted?: FaultSink;
}

type Body = Record<string, unknown> & { metadata?: Record<string, unknown> };

export class ApiStandIn {
  readonly store = new Store();
  readonly resources = new ResourceTable();
  readonly token = randomBytes(16).toString("hex");
  private server?: http.Server;
  private nextServiceIp = 100;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly openResponses = new Set<ServerResponse>();
  private closed = false;
  private unsubscribe?: () => void;
  readonly enforcer?: PredictedEnforcer;

  constructor(readonly options: StandInOptions) {
    if (options.enforceAsPredicted) {
      const enforcer = new PredictedEnforcer(this.store, this.resources, options.enforceAsPredicted);
      this.enforcer = enforcer;
      const watched = new Set(["/pods", "/namespaces", "networking.k8s.io/networkpolicies"]);
      this.store.subscribe((c) => {
        if (watched.has(`${c.resource.group}/${c.resource.plural}`)) enforcer.changed();
      });
    }
  }

  get backing(): BackingCluster {
    return this.options.backing;
  }

  get nodeName(): string {
    return this.options.nodeName ?? "lab";
  }

  async start(port = 0): Promise<string> {
    await this.seed();
    this.unsubscribe = podStatusFeed(this.backing)?.onPodEvent((event) => {
      if (event.type === "changed") this.showPodStatus(event.status);
    });
    // As a real API server (Go's http.DefaultMaxHeaderBytes, 1 MiB): exec
    // carries its argv in the URL, and netproof's probe runner is ~20 KB.
    const server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        const e = error instanceof ApiError ? error : new ApiError(500, "InternalError", String((error as Error)?.message ?? error));
        if (!res.headersSent) sendError(res, e);
        else res.end();
      });
    });
    server.on("upgrade", (req, socket, head) => {
      // Once upgraded, a socket's errors are ours to handle: a client that goes
      // away mid-exec (a Ctrl-C'd netproof) resets it, which is no stand-in error.
      socket.on("error", () => undefined);
      if (!this.authorized(req)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      handleExecUpgrade(this, req, socket, head);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("the stand-in is not serving");
    return `http://127.0.0.1:${address.port}`;
  }

  /** A kubeconfig for this stand-in. client-node refuses http:// unless insecure-skip-tls-verify is set. */
  kubeconfig(context = "lab"): string {
    return [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${context}`,
      "  cluster:",
      `    server: ${this.url}`,
      "    insecure-skip-tls-verify: true",
      "users:",
      `- name: ${context}-admin`,
      "  user:",
      `    token: ${this.token}`,
      "contexts:",
      `- name: ${context}`,
      "  context:",
      `    cluster: ${context}`,
      `    user: ${context}-admin`,
      `current-context: ${context}`,
      "",
    ].join("\n");
  }

  /**
   * With --enforce-as-predicted, a write is answered once the faults it
   * implies are in place: this CNI programs a change before the API answers
   * (no programming latency), so probes right after an apply see it.
   */
  private async enforced(): Promise<void> {
    await this.enforcer?.settled();
  }

  /** Stops serving and waits for forwarded work to settle; the backing is the caller's to clean up. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    for (const res of this.openResponses) res.end();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await Promise.allSettled([...this.pending]);
    await this.enforcer?.settled();
  }

  /** Namespaces, pods and the like that users created (not kube-system and default). */
  userNamespaces(): string[] {
    return this.store
      .list(this.kind("", "v1", "namespaces"))
      .map((n) => n.metadata.name)
      .filter((n) => !["default", "kube-system"].includes(n));
  }

  kind(group: string, version: string, plural: string): ResourceKind {
    const kind = this.resources.find(group, version, plural);
    if (!kind) throw new Error(`no resource ${group}/${version}/${plural}`);
    return kind;
  }

  findPod(namespace: string, name: string): StoredObject | undefined {
    return this.store.get(this.kind("", "v1", "pods"), namespace, name);
  }

  /**
   * kubectl sends no bearer token over plain http, so a request without one is
   * let in (like the API server's old insecure port); a wrong one is refused,
   * which is how tests check a kubeconfig with bad credentials.
   */
  authorized(req: IncomingMessage): boolean {
    const given = req.headers.authorization;
    return given === undefined || given === `Bearer ${this.token}`;
  }

  private async seed(): Promise<void> {
    const ns = this.kind("", "v1", "namespaces");
    for (const name of ["default", "kube-system"]) {
      this.store.put(ns, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      });
    }
    this.store.put(this.kind("", "v1", "nodes"), {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: this.nodeName, labels: { "kubernetes.io/hostname": this.nodeName, "kubernetes.io/os": "linux" } },
      status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }] },
    });
    const info = await this.backing.info();
    this.store.put(this.kind("", "v1", "services"), {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: { clusterIP: info.dns.serviceIp, ports: [{ name: "dns", port: 53, protocol: "UDP" }], selector: { "k8s-app": "kube-dns" } },
    });
    if (info.dns.pod) {
      this.store.put(this.kind("", "v1", "pods"), {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: info.dns.pod.name, namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
        spec: {
          nodeName: info.dns.pod.node,
          containers: [{ name: "coredns", image: "coredns", ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }, { name: "dns-tcp", containerPort: 53, protocol: "TCP" }] }],
        },
        status: runningStatus(info.dns.pod.ip, [{ name: "coredns", image: "coredns" }]),
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (url.pathname === "/healthz" || url.pathname === "/readyz" || url.pathname === "/livez") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
      return;
    }
    if (!this.authorized(req)) {
      sendJson(res, 401, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
      return;
    }
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/version") {
      const { major, minor } = this.options.version ?? { major: "1", minor: "33" };
      sendJson(res, 200, { major, minor, gitVersion: `v${major}.${minor}.0-netproof-standin`, platform: "linux/amd64" });
      return;
    }
    // Aggregated discovery (Accept …as=APIGroupDiscoveryList) is not served: the
    // plain JSON answer with Content-Type application/json makes clients fall back.
    if (path === "/api") return sendJson(res, 200, this.resources.coreVersions(req.headers.host ?? ""));
    if (path === "/apis") return sendJson(res, 200, this.resources.groups());
    if (path.startsWith("/openapi")) throw notFound("openapi document", path);

    const route = this.route(path);
    if (!route) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    if ("discovery" in route) {
      const list = this.resources.resourceList(route.group, route.version);
      if (!list) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
      return sendJson(res, 200, list);
    }
    const { resource, namespace, name, subresource } = route;
    if (subresource) throw new ApiError(405, "MethodNotAllowed", `subresource ${subresource} is not served by the stand-in (exec is a websocket upgrade)`);
    switch (req.method) {
      case "GET":
        if (name) return sendJson(res, 200, this.getOne(resource, namespace, name));
        if (url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1") return this.watch(req, res, resource, namespace, url);
        return sendJson(res, 200, this.listOf(resource, namespace, url));
      case "PATCH": {
        if (!name) throw new ApiError(405, "MethodNotAllowed", "PATCH needs an object name");
        const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
        if (type !== "application/apply-patch+yaml") {
          throw new ApiError(415, "UnsupportedMediaType", `the stand-in serves server-side apply only, not ${type || "no content type"}`);
        }
        if (!url.searchParams.get("fieldManager")) throw badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        const body = parseBody(await readBody(req), "yaml");
        const { object, created } = await this.write(resource, namespace, name, body, "apply");
        await this.enforced();
        return sendJson(res, created ? 201 : 200, object);
      }
      case "POST": {
        if (name) throw new ApiError(405, "MethodNotAllowed", "POST goes to a collection");
        const body = parseBody(await readBody(req), "json");
        const bodyName = (body.metadata?.name as string | undefined) ?? "";
        if (!bodyName) throw badRequest("metadata.name: Required value");
        const { object } = await this.write(resource, namespace, bodyName, body, "create");
        await this.enforced();
        return sendJson(res, 201, object);
      }
      case "DELETE":
        if (!name) throw new ApiError(405, "MethodNotAllowed", "the stand-in does not delete collections");
      {
        const status = await this.deleteOne(resource, namespace, name);
        await this.enforced();
        return sendJson(res, 200, status);
      }
      default:
        throw new ApiError(405, "MethodNotAllowed", `${req.method} is not served by the stand-in`);
    }
  }

  private route(path: string):
    | { discovery: true; group: string; version: string }
    | { resource: ResourceKind; namespace?: string; name?: string; subresource?: string }
    | undefined {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    let group: string, version: string, rest: string[];
    if (parts[0] === "api" && parts[1]) [group, version, rest] = ["", parts[1], parts.slice(2)];
    else if (parts[0] === "apis" && parts[1] && parts[2]) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    else return undefined;
    if (!rest.length) return { discovery: true, group, version };
    if (rest[0] === "namespaces" && rest.length >= 3 && this.resources.find(group, version, rest[2]!)?.namespaced) {
      const resource = this.resources.find(group, version, rest[2]!)!;
      return { resource, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
    const resource = this.resources.find(group, version, rest[0]!);
    if (!resource) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return { resource, name: rest[1], subresource: rest[2] };
  }

  private getOne(resource: ResourceKind, namespace: string | undefined, name: string): StoredObject {
    const object = this.store.get(resource, namespace, name);
    if (!object) throw notFound(`${resource.plural}${resource.group ? `.${resource.group}` : ""}`, name);
    return object;
  }

  private listOf(resource: ResourceKind, namespace: string | undefined, url: URL): object {
    const items = this.matching(resource, namespace, url);
    return { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), metadata: { resourceVersion: this.store.resourceVersion }, items };
  }

  private matching(resource: ResourceKind, namespace: string | undefined, url: URL): StoredObject[] {
    const match = this.filter(url);
    return this.store.list(resource, namespace).filter(match);
  }

  private filter(url: URL): (object: StoredObject) => boolean {
    try {
      const labels = parseLabelSelector(url.searchParams.get("labelSelector"));
      const fields = parseFieldSelector(url.searchParams.get("fieldSelector"));
      return (o) => labels(o.metadata.labels ?? {}) && fields(o);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
  }

  /** Newline-delimited watch events; without a resourceVersion, the current objects come first as ADDED. */
  private watch(req: IncomingMessage, res: ServerResponse, resource: ResourceKind, namespace: string | undefined, url: URL): void {
    const match = this.filter(url);
    const inScope = (r: ResourceKind, o: StoredObject) =>
      r.group === resource.group && r.plural === resource.plural && (!namespace || o.metadata.namespace === namespace) && match(o);
    const from = Number(url.searchParams.get("resourceVersion") ?? "0") || 0;
    const backlog = from ? this.store.since(from) : undefined;
    if (from && !backlog) throw new ApiError(410, "Expired", `too old resource version: ${from}`);
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders(); // client-go starts a watch only once its headers arrive
    const send = (type: string, object: StoredObject) => res.write(`${JSON.stringify({ type, object })}\n`);
    if (backlog) for (const c of backlog) if (inScope(c.resource, c.object)) send(c.type, c.object);
    if (!from) for (const o of this.store.list(resource, namespace).filter(match)) send("ADDED", o);
    this.openResponses.add(res);
    const unsubscribe = this.store.subscribe((c) => {
      if (inScope(c.resource, c.object)) send(c.type, c.object);
    });
    const timeout = Number(url.searchParams.get("timeoutSeconds") ?? "0");
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const stop = () => {
      unsubscribe();
      clearTimeout(timer);
      this.openResponses.delete(res);
    };
    req.on("close", stop);
    res.on("close", stop);
  }

  private async write(resource: ResourceKind, namespace: string | undefined, name: string, body: Body, mode: "apply" | "create") {
    const [group, version] = splitApiVersion(String(body.apiVersion ?? ""));
    if (body.kind !== resource.kind || group !== resource.group || version !== resource.version) {
      throw badRequest(`the body's apiVersion/kind (${String(body.apiVersion)}/${String(body.kind)}) does not match the URL (${apiVersionOf(resource)}/${resource.kind})`);
    }
    const metadata = { ...(body.metadata ?? {}) } as Record<string, unknown>;
    if (metadata.name !== undefined && metadata.name !== name) throw badRequest(`metadata.name ${String(metadata.name)} does not match the URL's ${name}`);
    if (resource.namespaced) {
      if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
        throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
      }
      const ns = this.store.get(this.kind("", "v1", "namespaces"), undefined, namespace!);
      if (!ns) throw notFound("namespaces", namespace!);
      if (ns.metadata.deletionTimestamp) {
        throw new ApiError(403, "Forbidden", `${resource.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
      }
      metadata.namespace = namespace;
    } else delete metadata.namespace;
    metadata.name = name;
    for (const field of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "deletionTimestamp"]) delete metadata[field];

    const before = this.store.get(resource, namespace, name);
    if (before && mode === "create") throw new ApiError(409, "AlreadyExists", `${resource.plural} "${name}" already exists`);
    if (before?.metadata.deletionTimestamp) throw new ApiError(409, "Conflict", `${resource.kind} ${name} is being deleted`);
    const { status: _ignored, ...spec } = body;
    const next = { ...spec, metadata } as StoredObject;
    const object = await this.admit(resource, next, before);
    return { object, created: !before };
  }

  /** Server-set fields and the forwarding to the backing cluster, per kind. */
  private async admit(resource: ResourceKind, object: StoredObject, before: StoredObject | undefined): Promise<StoredObject> {
    const kind = `${resource.group}/${resource.kind}`;
    if (kind === "/Namespace") {
      object.metadata.labels = { ...(object.metadata.labels ?? {}), "kubernetes.io/metadata.name": object.metadata.name };
      object.spec = { finalizers: ["kubernetes"] };
      object.status = { phase: "Active" };
      await this.forward(object);
      return this.store.put(resource, object);
    }
    if (kind === "/Service") {
      const spec = { ...((object.spec as Record<string, unknown>) ?? {}) };
      const previous = (before?.spec as Record<string, unknown> | undefined)?.clusterIP;
      if (previous && spec.clusterIP && spec.clusterIP !== previous) throw new ApiError(422, "Invalid", "spec.clusterIP: Invalid value: field is immutable");
      spec.type = spec.type ?? "ClusterIP";
      spec.clusterIP = spec.clusterIP ?? previous;
      object.spec = spec;
      object.status = { loadBalancer: {} };
      await this.forward(object);
      // The backing cluster (the lab adapter) assigns ClusterIPs; one that cannot say gets one from the stand-in.
      if (!spec.clusterIP) {
        const ref = { namespace: object.metadata.namespace!, name: object.metadata.name };
        const [address] = await this.backing.serviceAddresses([ref]).catch(() => []);
        spec.clusterIP = address?.clusterIp ?? this.allocateServiceIp();
      }
      spec.clusterIPs = [spec.clusterIP];
      return this.store.put(resource, object);
    }
    if (kind === "/Pod") return this.admitPod(resource, object, before);
    if (kind === "apiextensions.k8s.io/CustomResourceDefinition") return this.admitCrd(resource, object);
    if (before?.status) object.status = before.status;
    return this.store.put(resource, object);
  }

  private async admitPod(resource: ResourceKind, object: StoredObject, before: StoredObject | undefined): Promise<StoredObject> {
    const spec = object.spec as { containers?: { name: string; image?: string }[]; nodeName?: string; nodeSelector?: Record<string, string> } | undefined;
    if (!spec?.containers?.length) throw new ApiError(422, "Invalid", `Pod "${object.metadata.name}" is invalid: spec.containers: Required value`);
    if (before) {
      const { nodeName: _n, ...was } = before.spec as Record<string, unknown>;
      const { nodeName: _m, ...now } = spec as Record<string, unknown>;
      if (JSON.stringify(was) !== JSON.stringify(now)) {
        throw new ApiError(422, "Invalid", `Pod "${object.metadata.name}" is invalid: spec: Forbidden: pod updates may not change fields other than labels and annotations (stand-in simplification)`);
      }
      object.spec = before.spec;
      object.status = before.status;
      // Labels change on a live pod (Services and policies follow them), so the backing hears of it.
      if (JSON.stringify(before.metadata.labels ?? {}) !== JSON.stringify(object.metadata.labels ?? {})) await this.forward(object);
      return this.store.put(resource, object);
    }
    const node = this.store.get(this.kind("", "v1", "nodes"), undefined, this.nodeName)!;
    const nodeLabels = node.metadata.labels ?? {};
    const unmatched = Object.entries(spec.nodeSelector ?? {}).some(([k, v]) => nodeLabels[k] !== v);
    if (unmatched) {
      object.status = {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." }],
      };
      const stored = this.store.put(resource, object);
      this.event(stored, "Warning", "FailedScheduling", (object.status as { conditions: { message: string }[] }).conditions[0]!.message);
      return stored;
    }
    object.spec = { ...spec, nodeName: this.nodeName };
    const unpullable = spec.containers.find((c) => c.image && this.options.unpullable?.(c.image));
    if (unpullable) {
      const message = `Back-off pulling image "${unpullable.image}": ErrImagePull: failed to pull and unpack image "${unpullable.image}": failed to resolve reference (the stand-in's kubelet cannot pull it)`;
      object.status = {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "True" }, { type: "Ready", status: "False", reason: "ContainersNotReady" }],
        containerStatuses: spec.containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          state: c === unpullable ? { waiting: { reason: "ImagePullBackOff", message } } : { waiting: { reason: "ContainerCreating" } },
        })),
      };
      const stored = this.store.put(resource, object);
      this.event(stored, "Warning", "Failed", message);
      return stored;
    }
    object.status = {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "True" }, { type: "Ready", status: "False", reason: "ContainersNotReady" }],
      containerStatuses: spec.containers.map((c) => ({ name: c.name, image: c.image, ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } })),
    };
    const stored = this.store.put(resource, object);
    this.track(this.startPod(resource, stored));
    return stored;
  }

  /** The stand-in's kubelet: the backing cluster runs the pod; its readiness becomes the pod's status. */
  private async startPod(resource: ResourceKind, pod: StoredObject): Promise<void> {
    const ref = { namespace: pod.metadata.namespace!, name: pod.metadata.name };
    const containers = (pod.spec as { containers: { name: string; image?: string }[] }).containers;
    try {
      await this.backing.apply([toKube(pod)]);
      const feed = podStatusFeed(this.backing);
      if (feed) {
        // Changes arrive as events; the status right after apply may predate the subscription's first event.
        const status = feed.podStatus(ref);
        if (status) this.showPodStatus(status);
        return;
      }
      const [ready] = await this.backing.waitForPods([ref], { timeoutMs: this.options.podReadyTimeoutMs ?? 120_000 });
      const current = this.store.get(resource, ref.namespace, ref.name);
      if (!ready || this.closed || !current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
      this.store.put(resource, {
        ...current,
        spec: { ...(current.spec as object), nodeName: ready.node || this.nodeName },
        status: runningStatus(ready.ip, containers),
      });
    } catch (error) {
      const current = this.store.get(resource, ref.namespace, ref.name);
      if (this.closed || !current || current.metadata.uid !== pod.metadata.uid) return;
      const message = String((error as Error)?.message ?? error).split("\n")[0]!;
      this.store.put(resource, {
        ...current,
        status: {
          ...(current.status as object),
          conditions: [{ type: "PodScheduled", status: "True" }, { type: "Ready", status: "False", reason: "ContainersNotReady", message }],
        },
      });
      this.event(current, "Warning", "Failed", message);
    }
  }

  /** The backing's view of a pod, written the way kubelet writes a pod's status. */
  private showPodStatus(status: BackingPodStatus): void {
    if (this.closed) return;
    const resource = this.kind("", "v1", "pods");
    const current = this.store.get(resource, status.namespace, status.name);
    if (!current || current.metadata.deletionTimestamp) return;
    const containers = (current.spec as { containers: { name: string; image?: string }[] }).containers;
    const spec = { ...(current.spec as object), nodeName: status.node || this.nodeName };
    if (status.ready && status.phase === "Running") {
      this.store.put(resource, { ...current, spec, status: runningStatus(status.ip, containers) });
      return;
    }
    const ended = status.phase === "Failed" || status.phase === "Succeeded";
    const previous = current.status as { phase?: string; message?: string } | undefined;
    this.store.put(resource, {
      ...current,
      spec,
      status: {
        phase: status.phase,
        ...(status.ip ? { podIP: status.ip, podIPs: [{ ip: status.ip }] } : {}),
        ...(status.message ? { message: status.message } : {}),
        conditions: [
          { type: "PodScheduled", status: "True" },
          { type: "Ready", status: "False", reason: ended ? "PodCompleted" : "ContainersNotReady", ...(status.message ? { message: status.message } : {}) },
        ],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          state: ended
            ? { terminated: { reason: status.phase === "Failed" ? "Error" : "Completed", message: status.message } }
            : { waiting: { reason: "ContainerCreating" } },
        })),
      },
    });
    if (status.phase === "Failed" && previous?.phase !== "Failed") this.event(current, "Warning", "Failed", status.message);
  }

  private admitCrd(resource: ResourceKind, object: StoredObject): StoredObject {
    const spec = object.spec as {
      group?: string;
      scope?: string;
      names?: { plural?: string; singular?: string; kind?: string; shortNames?: string[] };
      versions?: { name: string; served?: boolean }[];
    };
    const plural = spec?.names?.plural;
    if (!spec?.group || !plural || !spec.names?.kind || !spec.versions?.length || object.metadata.name !== `${plural}.${spec.group}`) {
      throw new ApiError(422, "Invalid", `CustomResourceDefinition "${object.metadata.name}" is invalid: needs spec.group, spec.names.plural/kind, spec.versions, and metadata.name = <plural>.<group>`);
    }
    object.status = { conditions: [{ type: "NamesAccepted", status: "True", reason: "NoConflicts" }, { type: "Established", status: "False", reason: "Installing" }] };
    const stored = this.store.put(resource, object);
    // A real API server establishes a CRD a moment later; clients must wait for it.
    const timer = setTimeout(() => {
      const current = this.store.get(resource, undefined, stored.metadata.name);
      if (!current || current.metadata.uid !== stored.metadata.uid) return;
      for (const v of spec.versions!.filter((v) => v.served !== false)) {
        this.resources.add({
          group: spec.group!,
          version: v.name,
          plural,
          singular: spec.names!.singular ?? spec.names!.kind!.toLowerCase(),
          kind: spec.names!.kind!,
          namespaced: spec.scope !== "Cluster",
          shortNames: spec.names!.shortNames,
        });
      }
      this.store.put(resource, {
        ...current,
        status: { conditions: [{ type: "NamesAccepted", status: "True", reason: "NoConflicts" }, { type: "Established", status: "True", reason: "InitialNamesAccepted" }] },
      });
    }, 150);
    timer.unref();
    return stored;
  }

  private async deleteOne(resource: ResourceKind, namespace: string | undefined, name: string): Promise<object> {
    const object = this.getOne(resource, namespace, name);
    const kind = `${resource.group}/${resource.kind}`;
    if (kind === "/Namespace") {
      if (["default", "kube-system"].includes(name)) throw new ApiError(403, "Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      if (object.metadata.deletionTimestamp) return object;
      const terminating = this.store.put(resource, {
        ...object,
        metadata: { ...object.metadata, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z") },
        status: { phase: "Terminating" },
      });
      this.track(this.purgeNamespace(resource, name));
      return terminating;
    }
    if (kind === "/Pod" || kind === "/Service") await this.backing.delete([{ apiVersion: "v1", kind: resource.kind, namespace, name }]);
    if (kind === "apiextensions.k8s.io/CustomResourceDefinition") {
      const spec = object.spec as { group: string; names: { plural: string } };
      this.resources.remove(spec.group, spec.names.plural);
    }
    const removed = this.store.remove(resource, namespace, name)!;
    if (kind === "/Pod") return removed;
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, group: resource.group, kind: resource.plural, uid: object.metadata.uid } };
  }

  /** The namespace controller: everything inside goes (pods and Services from the backing too), then the namespace. */
  private async purgeNamespace(resource: ResourceKind, name: string): Promise<void> {
    for (const { resource: r, object } of this.store.inNamespace(name)) {
      if (!r.group && (r.kind === "Pod" || r.kind === "Service")) {
        await this.backing.delete([{ apiVersion: "v1", kind: r.kind, namespace: name, name: object.metadata.name }]).catch(() => undefined);
      }
      this.store.remove(r, name, object.metadata.name);
    }
    await this.backing.delete([{ apiVersion: "v1", kind: "Namespace", name }]).catch(() => undefined);
    this.store.remove(resource, undefined, name);
  }

  private async forward(object: StoredObject): Promise<void> {
    try {
      await this.backing.apply([toKube(object)]);
    } catch (error) {
      throw new ApiError(500, "InternalError", `the backing cluster refused ${object.kind} ${object.metadata.name}: ${String((error as Error)?.message ?? error).split("\n")[0]}`);
    }
  }

  private event(about: StoredObject, type: "Normal" | "Warning", reason: string, message: string): void {
    const namespace = about.metadata.namespace ?? "default";
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    this.store.put(this.kind("", "v1", "events"), {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${about.metadata.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 1e6)}`, namespace },
      involvedObject: { kind: about.kind, name: about.metadata.name, namespace, uid: about.metadata.uid, apiVersion: about.apiVersion },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: "kubelet", host: this.nodeName },
    });
  }

  private allocateServiceIp(): string {
    const n = this.nextServiceIp++;
    return `10.43.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

function runningStatus(ip: string, containers: readonly { name: string; image?: string }[]): object {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return {
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    conditions: [
      { type: "PodScheduled", status: "True" },
      { type: "Initialized", status: "True" },
      { type: "ContainersReady", status: "True" },
      { type: "Ready", status: "True" },
    ],
    containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
  };
}

function toKube(object: StoredObject): KubeObject {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...metadata } = object.metadata;
  const { status: _s, ...rest } = object;
  return { ...rest, metadata } as KubeObject;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string, as: "yaml" | "json"): Body {
  let value: unknown;
  try {
    value = as === "yaml" ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body is not valid ${as.toUpperCase()}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw badRequest("the request body is not an object");
  return value as Body;
}
