// Manifests read as kubectl reads them: every plain scalar (and mapping key)
// resolved by YAML 1.1 rules (src/kube/kubectl-scalars.ts), so the object
// netproof validates, predicts and applies is the one `kubectl apply -f`
// would send. Walks the YAML nodes beside the value, once.

import { isMap, isScalar, isSeq, type Node } from "yaml";
import { kubectlKey, kubectlScalar } from "../kube/kubectl-scalars.ts";
import type { LoadedManifest } from "./manifests.ts";
import type { Path } from "./yaml-source.ts";

/** A scalar that means something else to kubectl than to YAML 1.2. */
export interface Reread {
  readonly path: Path;
  readonly source: string;
  readonly value: unknown;
}

export function asKubectlReadsIt(m: LoadedManifest): { manifest: LoadedManifest; reread: Reread[] } {
  const reread: Reread[] = [];
  const root = m.locate.node([]);
  if (root === undefined) return { manifest: m, reread };
  const object = walk(m.object, root, [], reread) as LoadedManifest["object"];
  return reread.length === 0 ? { manifest: m, reread } : { manifest: { ...m, object }, reread };
}

function walk(value: unknown, node: unknown, path: Path, reread: Reread[]): unknown {
  if (Array.isArray(value)) {
    const items = isSeq(node) ? node.items : [];
    return value.map((item, i) => walk(item, items[i], [...path, i], reread));
  }
  if (typeof value === "object" && value !== null) {
    const pairs = new Map<string, { key: Node | undefined; value: unknown }>();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key)) pairs.set(String(pair.key.value), { key: pair.key, value: pair.value });
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const pair = pairs.get(key);
      const source = pair && isScalar(pair.key) && pair.key.type === "PLAIN" && !pair.key.tag ? pair.key.source : undefined;
      const read = source === undefined ? key : kubectlKey(source);
      if (read !== key) reread.push({ path: [...path, key], source: key, value: read });
      // defineProperty: a "__proto__" key stays a key.
      Object.defineProperty(out, read, { value: walk(item, pair?.value, [...path, key], reread), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (isScalar(node) && node.type === "PLAIN" && !node.tag && typeof node.source === "string") {
    const read = kubectlScalar(node.source);
    if (!Object.is(read, value) && !(typeof read === "number" && typeof value === "number" && read === value)) {
      reread.push({ path, source: node.source, value: read });
      return read;
    }
  }
  return value;
}
