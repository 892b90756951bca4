// Strict decoding of plain data (a parsed YAML document) into API types, the
// way the API server decodes a request with fieldValidation=Strict (kubectl
// apply's default): unknown fields and values of the wrong type are errors,
// null is the same as absent. Keys are read as own properties only.

import { fieldError, type FieldError, type FieldPath } from "./field-errors.ts";

export type Json = Readonly<Record<string, unknown>>;

export class Decoder {
  /** Validation errors, reported when the object decodes. */
  readonly errors: FieldError[] = [];
  /** Decoding errors (unknown fields, wrong types): the request fails on these alone. */
  readonly decodeErrors: FieldError[] = [];

  /** What the API server reports: the decoding errors if any, else the validation errors. */
  result(): FieldError[] {
    return this.decodeErrors.length > 0 ? this.decodeErrors : this.errors;
  }

  /** A mapping with only `fields`, or undefined (absent, null, or reported). */
  object(value: unknown, path: FieldPath, fields: readonly string[]): Json | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      this.decodeErrors.push(fieldError.wrongType(path, value, "a mapping"));
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) this.decodeErrors.push(fieldError.unknownField([...path, key], fields));
    }
    return value;
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    this.decodeErrors.push(fieldError.wrongType(path, value, "a string"));
    return undefined;
  }

  /** An int32: a whole number, as encoding/json decodes into int32. */
  int32(value: unknown, path: FieldPath): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
    this.decodeErrors.push(fieldError.wrongType(path, value, "a whole number (int32)"));
    return undefined;
  }

  /** An IntOrString (a port): a whole number, or a string. */
  intOrString(value: unknown, path: FieldPath): number | string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
    this.decodeErrors.push(fieldError.wrongType(path, value, "a whole number or a string"));
    return undefined;
  }

  array(value: unknown, path: FieldPath): readonly unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value;
    this.decodeErrors.push(fieldError.wrongType(path, value, "a list"));
    return undefined;
  }

  strings(value: unknown, path: FieldPath): string[] | undefined {
    const list = this.array(value, path);
    if (list === undefined) return undefined;
    const out: string[] = [];
    list.forEach((item, i) => {
      // A null item decodes as "" in Go.
      out.push(this.string(item, [...path, i]) ?? "");
    });
    return out;
  }

  /** map[string]string, built without the `__proto__` setter. */
  stringMap(value: unknown, path: FieldPath): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      this.decodeErrors.push(fieldError.wrongType(path, value, "a mapping of strings"));
      return undefined;
    }
    const out = Object.create(null) as Record<string, string>;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === "string") out[key] = item;
      else if (item === null) out[key] = "";
      else this.decodeErrors.push(fieldError.wrongType([...path, key], item, "a string"));
    }
    return out;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
