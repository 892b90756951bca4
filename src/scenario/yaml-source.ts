// YAML parsing that remembers where every node was written, so any later
// problem (a zod issue path, a statement, a manifest field) can be reported
// at the file:line:column a user sees in their editor.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node } from "yaml";
import { UserError, type Problem } from "../user-error.ts";
import type { SourceRef } from "./plan.ts";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Finds where a path of one parsed document was written. */
export interface Locator {
  readonly file: string;
  /** The node at `path`, or the deepest ancestor that exists. `key` points at a map key instead of its value. */
  at(path: Path, options?: { readonly key?: boolean }): SourceRef & { readonly column: number };
  /** The YAML node at `path`, if it exists. */
  node(path: Path): Node | undefined;
  /** A locator for a sub-tree, whose paths are relative to `prefix`. */
  under(prefix: Path): Locator;
}

export interface ParsedYaml {
  readonly value: unknown;
  readonly locate: Locator;
}

/** One YAML document; YAML errors (including duplicate keys) become a UserError. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  throwOnErrors(file, text, [doc], lineCounter);
  return { value: doc.toJS({ maxAliasCount: 100 }), locate: locatorFor(file, doc, lineCounter, []) };
}

/** Every non-empty document of a multi-document YAML text. */
export function parseYamlDocuments(file: string, text: string): ParsedYaml[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  throwOnErrors(file, text, docs, lineCounter);
  return docs
    .map((doc) => ({ value: doc.toJS({ maxAliasCount: 100 }) as unknown, locate: locatorFor(file, doc, lineCounter, []) }))
    // An empty document (a trailing `---`) is no manifest.
    .filter((d) => d.value !== null && d.value !== undefined);
}

function throwOnErrors(file: string, source: string, docs: readonly Document[], lineCounter: LineCounter): void {
  const problems: Problem[] = [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      const duplicate = error.code === "DUPLICATE_KEY";
      problems.push({
        file,
        line: pos.line,
        column: pos.col,
        message: duplicate ? `duplicate key ${keyText(source, error.pos[0])}` : `YAML: ${firstLine(error.message)}`,
        ...(duplicate ? { hint: "each key may appear once in a mapping; merge the two entries" } : {}),
      });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
}

// The key as written at the error offset (yaml reports the duplicate key's start).
function keyText(source: string, offset: number): string {
  const rest = source.slice(offset).split("\n")[0] ?? "";
  const key = rest.replace(/\s*:(\s.*)?$/, "").trim();
  return key === "" ? "" : `"${key.replace(/^["']|["']$/g, "")}"`;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function locatorFor(file: string, doc: Document, lineCounter: LineCounter, prefix: Path): Locator {
  // Walks as far as the path exists. A missing map entry is reported at the
  // key that leads to its map (`spec:` for a missing spec.podSelector).
  const walk = (path: Path, key: boolean): Node | undefined => {
    let node: unknown = doc.contents;
    let found: Node | undefined = isNodeLike(node) ? node : undefined;
    let parentKey: Node | undefined;
    const full = [...prefix, ...path];
    for (const [i, segment] of full.entries()) {
      const last = i === full.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return parentKey ?? found;
        if (last && key && isNodeLike(pair.key)) return pair.key;
        parentKey = isNodeLike(pair.key) ? pair.key : undefined;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
        parentKey = undefined;
      } else {
        break;
      }
      if (!isNodeLike(node)) break;
      found = node;
    }
    return found;
  };
  return {
    file,
    at(path, options) {
      const node = walk(path, options?.key === true);
      const offset = node?.range?.[0] ?? 0;
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col };
    },
    node(path) {
      const node = walk(path, false);
      // walk stops at the deepest ancestor; only an exact hit counts here.
      return node !== undefined && doc.getIn([...prefix, ...path], true) === node ? node : undefined;
    },
    under(sub) {
      return locatorFor(file, doc, lineCounter, [...prefix, ...sub]);
    },
  };
}

function isNodeLike(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

/** `workloads["shop/web"].ports[0]`: the field path as a user reads it. */
export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
