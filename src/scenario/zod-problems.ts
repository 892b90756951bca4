// Turns zod issues into user problems at the YAML position of the field,
// with "did you mean" for unknown fields.

import { z } from "zod";
import { MAX_PROBLEMS, type Problem } from "../user-error.ts";
import { didYouMeanHint } from "./suggest.ts";
import { formatPath, type Locator, type Path, type PathSegment } from "./yaml-source.ts";

/** Validates `value`, or returns the problems located in the YAML it came from. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  locate: Locator,
  fieldPrefix: Path = [],
): { ok: true; value: z.output<S> } | { ok: false; problems: Problem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  // A huge bad input can raise hundreds of thousands of issues; UserError shows MAX_PROBLEMS anyway.
  const issues = result.error.issues.slice(0, MAX_PROBLEMS + 1);
  return { ok: false, problems: issues.flatMap((issue) => toProblems(issue, schema, value, locate, fieldPrefix)).slice(0, MAX_PROBLEMS + 1) };
}

function toProblems(issue: z.core.$ZodIssue, schema: z.ZodType, input: unknown, locate: Locator, fieldPrefix: Path): Problem[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  const field = (p: Path): string => formatPath([...fieldPrefix, ...p]);
  if ((issue.code === "invalid_type" || issue.code === "invalid_union") && !hasPath(input, path)) {
    return [{ ...locate.at(path), field: field(path), message: `${String(path[path.length - 1] ?? "value")} is required` }];
  }
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(schema, path);
      return issue.keys.slice(0, MAX_PROBLEMS + 1).map((key) => {
        const at = locate.at([...path, key], { key: true });
        const suggestion = didYouMeanHint(key, known);
        const list = known.length > 0 ? `known fields: ${known.join(", ")}` : undefined;
        const hint = [suggestion, list].filter((s) => s !== undefined).join(" ");
        return { ...at, field: field([...path, key]), message: `unknown field "${key}"`, ...(hint ? { hint } : {}) };
      });
    }
    case "invalid_key": {
      const key = path[path.length - 1];
      const inner = issue.issues[0]?.message ?? issue.message;
      return [{ ...locate.at(path, { key: true }), field: field(path), message: `invalid key "${String(key)}": ${inner}` }];
    }
    case "invalid_union": {
      // Report the branch that got furthest: the one whose issues are deepest.
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
      if (best && depth(best) > 0) {
        return best.flatMap((inner) => toProblems({ ...inner, path: [...path, ...inner.path] }, schema, input, locate, fieldPrefix));
      }
      return [{ ...locate.at(path), field: field(path), message: unionMessage(issue, schema, path) }];
    }
    default:
      return [{ ...locate.at(path), field: field(path), message: issue.message }];
  }
}

function hasPath(value: unknown, path: Path): boolean {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, segment)) return false;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return true;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === "invalid_type" ? 0 : 1)));
}

function unionMessage(issue: z.core.$ZodIssue, schema: z.ZodType, path: Path): string {
  const described = schemaAt(schema, path)?.description;
  return described ? `expected ${described}` : issue.message;
}

/** The field names the object schema at `path` accepts. */
export function knownKeys(schema: z.ZodType, path: Path): string[] {
  const at = schemaAt(schema, path);
  const objects = at ? objectsIn(at) : [];
  return [...new Set(objects.flatMap((o) => Object.keys(o.shape)))];
}

function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let current: z.ZodType[] = [schema];
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const s of current.flatMap(unwrapAll)) {
      if (s instanceof z.ZodObject && typeof segment === "string") {
        const child = (s.shape as Record<string, z.ZodType>)[segment];
        if (child) next.push(child);
      } else if (s instanceof z.ZodRecord) {
        next.push(s.valueType as z.ZodType);
      } else if (s instanceof z.ZodArray && typeof segment === "number") {
        next.push(s.element as z.ZodType);
      }
    }
    current = next;
  }
  return current[0];
}

function objectsIn(schema: z.ZodType): z.ZodObject[] {
  return unwrapAll(schema).filter((s): s is z.ZodObject => s instanceof z.ZodObject);
}

// Optional, nullable, default, pipe and union wrappers, flattened to the schemas inside.
function unwrapAll(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return unwrapAll(schema.unwrap() as z.ZodType);
  }
  // A preprocess is a pipe from a transform: the shape is its output side.
  if (schema instanceof z.ZodPipe) return unwrapAll((schema.in instanceof z.ZodTransform ? schema.out : schema.in) as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(unwrapAll);
  return [schema];
}
