// The stand-in's object store: one resourceVersion counter for everything,
// a bounded log of changes so a watch can resume from a resourceVersion, and
// subscribers for open watches.
import { randomUUID } from "node:crypto";
import type { ResourceKind } from "./resources.ts";

export type StoredObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface Change {
  readonly type: EventType;
  readonly resource: ResourceKind;
  readonly object: StoredObject;
  readonly rv: number;
}

const LOG_LIMIT = 5000;

export class Store {
  private rv = 1;
  private readonly objects = new Map<string, { resource: ResourceKind; object: StoredObject }>();
  private readonly log: Change[] = [];
  private readonly listeners = new Set<(change: Change) => void>();

  get resourceVersion(): string {
    return String(this.rv);
  }

  get(resource: ResourceKind, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.objects.get(key(resource, namespace, name))?.object;
  }

  list(resource: ResourceKind, namespace?: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const { resource: r, object } of this.objects.values()) {
      if (r.group === resource.group && r.plural === resource.plural && (!namespace || object.metadata.namespace === namespace)) {
        out.push(object);
      }
    }
    // A real API server lists in storage key order: by namespace, then name.
    const order = (o: StoredObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  /** Every namespaced object in a namespace, of every kind. */
  inNamespace(namespace: string): { resource: ResourceKind; object: StoredObject }[] {
    return [...this.objects.values()].filter((e) => e.resource.namespaced && e.object.metadata.namespace === namespace);
  }

  /** Creates or replaces; the server-set metadata (uid, creation time) survives a replace. */
  put(resource: ResourceKind, object: Omit<StoredObject, "metadata"> & { metadata: Partial<StoredObject["metadata"]> & { name: string } }): StoredObject {
    const k = key(resource, object.metadata.namespace, object.metadata.name);
    const before = this.objects.get(k)?.object;
    // Like a real API server, a write that changes nothing keeps the resourceVersion and sends no event.
    if (before && sameContent(before, object)) return before;
    const stored = {
      ...object,
      metadata: {
        ...object.metadata,
        uid: before?.metadata.uid ?? randomUUID(),
        creationTimestamp: before?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        resourceVersion: String(++this.rv),
      },
    } as StoredObject;
    this.objects.set(k, { resource, object: stored });
    this.emit({ type: before ? "MODIFIED" : "ADDED", resource, object: stored, rv: this.rv });
    return stored;
  }

  remove(resource: ResourceKind, namespace: string | undefined, name: string): StoredObject | undefined {
    const k = key(resource, namespace, name);
    const entry = this.objects.get(k);
    if (!entry) return undefined;
    this.objects.delete(k);
    const object = { ...entry.object, metadata: { ...entry.object.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ type: "DELETED", resource, object, rv: this.rv });
    return object;
  }

  /** Changes after `rv`, or undefined when the log no longer reaches back that far (410 Gone). */
  since(rv: number): Change[] | undefined {
    const first = this.log[0];
    if (first && first.rv > rv + 1 && this.log.length >= LOG_LIMIT) return undefined;
    return this.log.filter((c) => c.rv > rv);
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: Change): void {
    this.log.push(change);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    for (const listener of this.listeners) listener(change);
  }
}

function sameContent(before: StoredObject, next: { metadata: object }): boolean {
  const strip = (o: { metadata: object }) => {
    const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...metadata } = o.metadata as Record<string, unknown>;
    return JSON.stringify({ ...o, metadata });
  };
  return strip(before) === strip(next);
}

function key(resource: ResourceKind, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.plural}/${resource.namespaced ? (namespace ?? "") : ""}/${name}`;
}
