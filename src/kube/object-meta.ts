// metadata of any object, validated as apimachinery's ValidateObjectMeta does
// on create: the name by the kind's rule, the namespace as a DNS label, label
// keys and values, annotation keys and their total size.

import type { Decoder } from "./decode.ts";
import { fieldError, type FieldError, type FieldPath } from "./field-errors.ts";
import { byteLength, isDns1123Label, isDns1123Subdomain, isLabelKey, isLabelValue } from "./names.ts";

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const OBJECT_META_FIELDS = [
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
];

/** How the API server checks a kind's names: most are DNS subdomains. */
export type NameRule = (name: string) => string[];

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push("must be no more than 63 bytes");
  if (!DNS1035_LABEL.test(value)) {
    errors.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errors;
}

/** Names of custom resources and kinds netproof does not know: only what a URL path segment forbids. */
export function isPathSegmentName(value: string): string[] {
  if (value === "." || value === "..") return [`may not be '${value}'`];
  const bad = ["/", "%"].filter((c) => value.includes(c));
  return bad.map((c) => `may not contain '${c}'`);
}

/** The name rule of a kind, for the kinds netproof applies. */
export function nameRuleFor(kind: string, apiVersion: string): NameRule {
  if (kind === "Namespace" && apiVersion === "v1") return isDns1123Label;
  if (kind === "Service" && apiVersion === "v1") return isDns1035Label;
  const core = ["v1", "apps/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "batch/v1", "policy/v1"];
  return core.includes(apiVersion) ? isDns1123Subdomain : isPathSegmentName;
}

export interface MetaOptions {
  readonly nameRule: NameRule;
  readonly namespaced: boolean;
}

/** The decoded metadata (name and namespace as written, labels, annotations). */
export interface DecodedMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function decodeObjectMeta(value: unknown, path: FieldPath, d: Decoder, options: MetaOptions): DecodedMeta {
  const meta = d.object(value, path, OBJECT_META_FIELDS);
  if (meta === undefined) {
    if (value === undefined || value === null) d.errors.push(fieldError.required([...path, "name"], "name or generateName is required"));
    return {};
  }
  const name = d.string(meta.name, [...path, "name"]);
  const generateName = d.string(meta.generateName, [...path, "generateName"]);
  const namespace = d.string(meta.namespace, [...path, "namespace"]);
  const labels = d.stringMap(meta.labels, [...path, "labels"]);
  const annotations = d.stringMap(meta.annotations, [...path, "annotations"]);
  d.errors.push(...validateObjectMeta({ name, generateName, namespace, labels, annotations }, path, options));
  return {
    ...(name !== undefined ? { name } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(labels !== undefined ? { labels } : {}),
    ...(annotations !== undefined ? { annotations } : {}),
  };
}

export function validateObjectMeta(
  meta: DecodedMeta & { readonly generateName?: string | undefined },
  path: FieldPath,
  options: MetaOptions,
): FieldError[] {
  const errors: FieldError[] = [];
  const { name, generateName } = meta;
  if (generateName !== undefined && generateName !== "") {
    for (const m of options.nameRule(maskTrailingDash(generateName))) errors.push(fieldError.invalid([...path, "generateName"], generateName, m));
  }
  if (name === undefined || name === "") {
    if (generateName === undefined || generateName === "") errors.push(fieldError.required([...path, "name"], "name or generateName is required"));
  } else {
    for (const m of options.nameRule(name)) errors.push(fieldError.invalid([...path, "name"], name, m));
  }
  // An empty namespace means the default one; kubectl drops it for cluster-scoped kinds.
  if (options.namespaced && meta.namespace !== undefined && meta.namespace !== "") {
    for (const m of isDns1123Label(meta.namespace)) errors.push(fieldError.invalid([...path, "namespace"], meta.namespace, m));
  }
  errors.push(...validateLabels(meta.labels, [...path, "labels"]));
  errors.push(...validateAnnotations(meta.annotations, [...path, "annotations"]));
  return errors;
}

/** ValidateLabels: the API names the map; `at` points at the key as written. */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    for (const m of isLabelKey(key)) errors.push(fieldError.invalid(path, key, m, { path: [...path, key], key: true }));
    for (const m of isLabelValue(value)) errors.push(fieldError.invalid(path, value, m, { path: [...path, key], key: false }));
  }
  return errors;
}

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    for (const m of isLabelKey(key.toLowerCase())) errors.push(fieldError.invalid(path, key, m, { path: [...path, key], key: true }));
    total += byteLength(key) + byteLength(value);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errors.push(fieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errors;
}

// generateName gets a random suffix, so a trailing dash is allowed.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}
