// Templates in manifests: `{{ ip <workload> }}` inside any string value stands
// for the pod IP of a workload (full or short reference). Plans keep manifests
// unrendered; whoever applies or evaluates them renders with the IPs at hand
// (planned ones in plan mode, real ones on a cluster).

import type { KubeObject } from "../kube/object.ts";
import type { Path } from "./yaml-source.ts";

const IP_TEMPLATE = /\{\{\s*ip\s+([^\s{}]+)\s*\}\}/g;
const ANY_TEMPLATE = /\{\{([^}]*)\}\}/g;

export type TemplateUse =
  | { readonly kind: "ip"; readonly path: Path; readonly ref: string }
  | { readonly kind: "unknown"; readonly path: Path; readonly text: string };

/** Every template in string values of `value`, with its path. */
export function findTemplates(value: unknown, path: Path = []): TemplateUse[] {
  if (typeof value === "string") {
    return [...value.matchAll(ANY_TEMPLATE)].map((m) => {
      const ip = /^\s*ip\s+([^\s{}]+)\s*$/.exec(m[1] ?? "");
      return ip?.[1] ? { kind: "ip", path, ref: ip[1] } : { kind: "unknown", path, text: m[0] };
    });
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => findTemplates(item, [...path, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => findTemplates(v, [...path, k]));
  return [];
}

/** Replaces `{{ ip <workload> }}` templates with the workloads' IPs (ips by workload id). */
export function renderManifest(object: KubeObject, ips: Readonly<Record<string, string>>): KubeObject {
  return renderValue(object, ips) as KubeObject;
}

function renderValue(value: unknown, ips: Readonly<Record<string, string>>): unknown {
  if (typeof value === "string") return value.replace(IP_TEMPLATE, (_, ref: string) => ipOf(ref, ips));
  if (Array.isArray(value)) return value.map((item) => renderValue(item, ips));
  if (isRecord(value)) {
    // defineProperty, not assignment: a "__proto__" key stays a key.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: renderValue(v, ips), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function ipOf(ref: string, ips: Readonly<Record<string, string>>): string {
  // Own properties only: `{{ ip constructor }}` names a workload, not Object.prototype.constructor.
  if (Object.hasOwn(ips, ref)) return ips[ref] ?? "";
  const matches = Object.keys(ips).filter((id) => !ref.includes("/") && id.endsWith(`/${ref}`));
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return ips[only] ?? "";
  // Loading a scenario checks every template, so this is a caller's bug.
  throw new Error(`template {{ ip ${ref} }}: ${matches.length > 1 ? "ambiguous" : "no IP for that workload"}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
