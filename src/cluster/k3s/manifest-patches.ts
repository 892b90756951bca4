// Structured patches on a parsed multi-document manifest (Calico's), never
// text substitution: a patch names the object and the field it changes, and
// one that finds nothing to change is an error (the upstream manifest moved).
import { parseAllDocuments, stringify } from "yaml";
import { UserError } from "../../user-error.ts";
import type { ManifestPatch, PatchTarget } from "./profile-schema.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface PatchContext {
  /** Where the patch list was written, e.g. `clusters/k3s-calico.yaml`, and its field path. */
  readonly profileFile: string;
  readonly field: string;
  /** Where the manifest came from (for messages). */
  readonly source: string;
}

/** The manifest's documents, parsed; empty documents dropped. */
export function parseManifest(text: string, source: string): JsonObject[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const objects: JsonObject[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new UserError({ file: source, message: `the manifest is not valid YAML: ${error.message.split("\n")[0]}` });
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    if (!isObject(value)) throw new UserError({ file: source, message: "a manifest document is not an object" });
    objects.push(value);
  }
  return objects;
}

export function renderManifest(objects: readonly JsonObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}

/** Applies every patch in order to a copy of the objects. */
export function applyPatches(objects: readonly JsonObject[], patches: readonly ManifestPatch[], ctx: PatchContext): JsonObject[] {
  const copy = structuredClone(objects) as JsonObject[];
  for (const [i, patch] of patches.entries()) {
    const at = `${ctx.field}[${i}]`;
    const target = findTarget(copy, patch.object, ctx, at);
    switch (patch.op) {
      case "cni-plugin-set":
        setCniPluginFields(target, patch.key, patch.plugin, patch.set as JsonObject, ctx, at);
        break;
      case "container-env":
        setContainerEnv(target, patch.container, patch.env, ctx, at);
        break;
      case "set":
        setAtPath(target, patch.path, patch.value as Json, ctx, at);
        break;
      default: {
        const never: never = patch;
        throw new Error(`unknown patch ${JSON.stringify(never)}`);
      }
    }
  }
  return copy;
}

function findTarget(objects: JsonObject[], ref: PatchTarget, ctx: PatchContext, at: string): JsonObject {
  const matches = objects.filter((o) => {
    const meta = o["metadata"];
    if (o["kind"] !== ref.kind || !isObject(meta) || meta["name"] !== ref.name) return false;
    return ref.namespace === undefined ? meta["namespace"] === undefined : meta["namespace"] === ref.namespace;
  });
  const described = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
  if (matches.length !== 1) {
    throw fail(ctx, at, matches.length === 0 ? `${described} is not in ${ctx.source}` : `${described} appears ${matches.length} times in ${ctx.source}`);
  }
  return matches[0]!;
}

// The CNI config template carries unquoted placeholders (`"mtu": __CNI_MTU__`)
// that Calico's installer fills in; they are not JSON, so they are quoted on
// the way in and unquoted on the way out.
const PLACEHOLDER = /(?<!")\b(__[A-Z0-9_]+__)\b(?!")/g;
const QUOTED = /"@netproof-raw:(__[A-Z0-9_]+__)"/g;

function setCniPluginFields(target: JsonObject, key: string, plugin: string, fields: JsonObject, ctx: PatchContext, at: string): void {
  const data = target["data"];
  const raw = isObject(data) ? data[key] : undefined;
  if (typeof raw !== "string") throw fail(ctx, at, `data.${key} is not in the ConfigMap`);
  let config: unknown;
  try {
    config = JSON.parse(raw.replace(PLACEHOLDER, '"@netproof-raw:$1"'));
  } catch {
    throw fail(ctx, at, `data.${key} is not a JSON CNI network config`);
  }
  const plugins = isObject(config) ? config["plugins"] : undefined;
  const entry = Array.isArray(plugins) ? plugins.find((p) => isObject(p) && p["type"] === plugin) : undefined;
  if (!isObject(entry)) throw fail(ctx, at, `data.${key} has no plugin of type "${plugin}"`);
  for (const [k, v] of Object.entries(fields)) entry[k] = structuredClone(v);
  (data as JsonObject)[key] = JSON.stringify(config, null, 2).replace(QUOTED, "$1");
}

function setContainerEnv(target: JsonObject, container: string, env: Readonly<Record<string, string>>, ctx: PatchContext, at: string): void {
  const containers = getPath(target, ["spec", "template", "spec", "containers"]);
  const c = Array.isArray(containers) ? containers.find((x) => isObject(x) && x["name"] === container) : undefined;
  if (!isObject(c)) throw fail(ctx, at, `container "${container}" is not in spec.template.spec.containers`);
  const list = Array.isArray(c["env"]) ? (c["env"] as Json[]) : [];
  for (const [name, value] of Object.entries(env)) {
    const i = list.findIndex((e) => isObject(e) && e["name"] === name);
    const entry: JsonObject = { name, value };
    if (i >= 0) list[i] = entry;
    else list.push(entry);
  }
  c["env"] = list;
}

function setAtPath(target: JsonObject, path: readonly (string | number)[], value: Json, ctx: PatchContext, at: string): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1]!;
  const parent = getPath(target, parentPath);
  const shown = path.join(".");
  if (typeof last === "number") {
    if (!Array.isArray(parent) || last >= parent.length) throw fail(ctx, at, `${shown}: there is no such list item to replace`);
    parent[last] = structuredClone(value);
  } else {
    if (!isObject(parent)) throw fail(ctx, at, `${shown}: ${parentPath.join(".") || "the object"} is not a map`);
    parent[last] = structuredClone(value);
  }
}

function getPath(root: Json, path: readonly (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const segment of path) {
    if (typeof segment === "number" ? !Array.isArray(node) : !isObject(node)) return undefined;
    node = (node as Record<string | number, Json>)[segment];
  }
  return node;
}

function fail(ctx: PatchContext, at: string, message: string): UserError {
  return new UserError({
    file: ctx.profileFile,
    field: at,
    message: `patch does not apply: ${message}`,
    hint: "the upstream manifest may have changed for this version; update the patch in the profile",
  });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
