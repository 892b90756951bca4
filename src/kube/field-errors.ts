// Field errors worded as the API server words them (apimachinery
// util/validation/field): `Invalid value: "a--b": must not contain consecutive
// hyphens`. The path is the API's own (`spec.ingress[0].ports[0].port`); the
// caller maps it to a file position.

export type FieldPathSegment = string | number;
export type FieldPath = readonly FieldPathSegment[];

export interface FieldError {
  /** The field as the API server names it. */
  readonly path: FieldPath;
  /** The API server's words after the path. */
  readonly message: string;
  /** Where the problem is written, when more precise than `path` (a map key the API does not name). */
  readonly at?: { readonly path: FieldPath; readonly key: boolean };
  /** For an unknown field: the fields that are known there. */
  readonly known?: readonly string[];
  /** What to write instead, when there is an obvious fix. */
  readonly hint?: string;
}

/** A value as Go's %v / %q print it in an error body. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export const fieldError = {
  invalid: (path: FieldPath, value: unknown, detail: string, at?: FieldError["at"]): FieldError => ({
    path,
    message: `Invalid value: ${goValue(value)}${detail ? `: ${detail}` : ""}`,
    ...(at ? { at } : {}),
  }),
  required: (path: FieldPath, detail = ""): FieldError => ({ path, message: `Required value${detail ? `: ${detail}` : ""}` }),
  forbidden: (path: FieldPath, detail: string): FieldError => ({ path, message: `Forbidden: ${detail}` }),
  notSupported: (path: FieldPath, value: unknown, supported: readonly string[]): FieldError => ({
    path,
    message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
  }),
  tooLong: (path: FieldPath, max: number): FieldError => ({ path, message: `Too long: must have at most ${max} bytes` }),
  /** What strict decoding (kubectl apply's default) says of a field the type does not have. */
  unknownField: (path: FieldPath, known: readonly string[]): FieldError => ({
    path,
    message: `unknown field "${formatFieldPath(path)}"`,
    at: { path, key: true },
    known,
  }),
  /** A value of the wrong JSON type: the request does not decode. */
  wrongType: (path: FieldPath, value: unknown, expected: string): FieldError => {
    const hint = quoteHint(value, expected);
    return { path, message: `cannot decode ${describeValue(value)} as ${expected}`, ...(hint ? { hint } : {}) };
  },
};

// YAML reads `yes`, `on` and `2` as a boolean and a number; quoting keeps the text.
function quoteHint(value: unknown, expected: string): string {
  const wanted = typeof value === "boolean" ? expected.includes("string") : typeof value === "number" && expected === "a string";
  return wanted ? `quote it for the string "${String(value)}"` : "";
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** `spec.ingress[0].from[1]`, as the API server prints a path. */
export function formatFieldPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}
