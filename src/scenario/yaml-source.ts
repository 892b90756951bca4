// YAML parsing that remembers where every node was written, so any later
// problem (a zod issue path, a statement, a manifest field) can be reported
// at the file:line:column a user sees in their editor.

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
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

// yaml's own duplicate-key check compares every key with every other (quadratic:
// a 1 MiB mapping took minutes); structureProblems finds duplicates with a Set.
const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/** One YAML document; YAML errors (including duplicate keys) become a UserError. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, ...PARSE_OPTIONS });
  throwOnErrors(file, [doc], lineCounter);
  return { value: toPlainData(file, doc, lineCounter), locate: locatorFor(file, doc, lineCounter, []) };
}

/** Every non-empty document of a multi-document YAML text. */
export function parseYamlDocuments(file: string, text: string): ParsedYaml[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, ...PARSE_OPTIONS });
  if (!Array.isArray(docs)) return []; // an empty stream
  throwOnErrors(file, docs, lineCounter);
  return docs
    .map((doc) => ({ value: toPlainData(file, doc, lineCounter), locate: locatorFor(file, doc, lineCounter, []) }))
    // An empty document (a trailing `---`) is no manifest.
    .filter((d) => d.value !== null && d.value !== undefined);
}

function throwOnErrors(file: string, docs: readonly Document[], lineCounter: LineCounter): void {
  const problems: Problem[] = [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      // yaml catches the stack overflow of very deep nesting and reports it once per level it unwinds.
      const tooDeep = error.code === "RESOURCE_EXHAUSTION";
      if (tooDeep && problems.some((p) => p.message === TOO_DEEP)) continue;
      problems.push({ file, line: pos.line, column: pos.col, message: tooDeep ? TOO_DEEP : `YAML: ${firstLine(error.message)}` });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  for (const doc of docs) problems.push(...structureProblems(file, doc, lineCounter));
  if (problems.length > 0) throw new UserError(problems);
}

function duplicateHint(key: string): string {
  // Two objects pasted into one document: the second apiVersion or kind is the first duplicate.
  if (key === "apiVersion" || key === "kind") return "is a `---` missing? It separates two documents (objects) in one file";
  return "each key may appear once in a mapping; merge the two entries";
}

/** Nesting deeper than this is no scenario or Kubernetes object, and could exhaust the stack later on. */
export const MAX_DEPTH = 64;
const TOO_DEEP = `YAML: nested deeper than ${MAX_DEPTH} levels`;
/** Alias expansions per document (yaml's own count): enough for real anchors, far too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

// YAML types whose values no Kubernetes object or scenario holds.
const NON_JSON_TAGS = new Set(["!!binary", "!!timestamp", "!!set", "!!omap", "!!pairs"]);

interface Frame {
  readonly node: unknown;
  readonly depth: number;
  /** Anchors of the enclosing nodes, innermost first. */
  readonly enclosing: readonly string[];
}

// What the YAML library accepts but would crash, loop or mislead later:
// aliases to no anchor or into their own node, collection or alias keys, and
// nesting beyond MAX_DEPTH. Iterative, so deep input cannot overflow the stack here.
function structureProblems(file: string, doc: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = [];
  const at = (node: { range?: readonly number[] | null } | null | undefined): { file: string; line: number; column: number } => {
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file, line: pos.line, column: pos.col };
  };
  const anchors = new Set<string>();
  const stack: Frame[] = [{ node: doc.contents, depth: 0, enclosing: [] }];
  while (stack.length > 0 && problems.length < 10) {
    const { node, depth, enclosing } = stack.pop() as Frame;
    if (isAlias(node)) {
      if (enclosing.includes(node.source)) {
        problems.push({ ...at(node), message: `YAML: alias *${node.source} refers to a node that contains it`, hint: "an alias repeats an earlier, complete node; it cannot refer to an enclosing one" });
      } else if (!anchors.has(node.source)) {
        problems.push({ ...at(node), message: `YAML: alias *${node.source} refers to no anchor &${node.source} before it` });
      }
      continue;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) continue;
    if (node.anchor) anchors.add(node.anchor);
    const tag = node.tag?.replace(/^tag:yaml\.org,2002:/, "!!");
    if (tag !== undefined && NON_JSON_TAGS.has(tag)) {
      problems.push({ ...at(node), message: `YAML: a ${tag} value is not plain data; use strings, numbers, booleans, lists and mappings` });
      continue;
    }
    if (isScalar(node)) continue;
    if (depth >= MAX_DEPTH) {
      problems.push({ ...at(node), message: TOO_DEEP });
      break;
    }
    const inner = node.anchor ? [node.anchor, ...enclosing] : enclosing;
    const children: unknown[] = [];
    // As JSON and Kubernetes read them, keys are strings: 1 and "1" are the same key.
    const keys = new Set<string>();
    for (const item of node.items) {
      if (!isPair(item)) {
        children.push(item);
        continue;
      }
      if (isMap(item.key) || isSeq(item.key) || isAlias(item.key)) {
        problems.push({ ...at(item.key as Node), message: "YAML: a mapping key must be a plain string or number, not a mapping, list or alias" });
        continue;
      }
      if (isScalar(item.key)) {
        if (item.key.anchor) anchors.add(item.key.anchor);
        const key = String(item.key.value);
        if (keys.has(key)) problems.push({ ...at(item.key), message: `duplicate key "${key}"`, hint: duplicateHint(key) });
        keys.add(key);
      }
      children.push(item.value);
    }
    // Pushed in reverse so nodes are visited in document order (anchors before their aliases).
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth: depth + 1, enclosing: inner });
  }
  return problems;
}

/** The document as JSON-like data; alias bombs and YAML types JSON lacks are user errors. */
function toPlainData(file: string, doc: Document, lineCounter: LineCounter): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    // yaml throws ReferenceError for aliases only; the count is checked as aliases expand.
    const first = firstAlias(doc);
    const pos = lineCounter.linePos(first?.range?.[0] ?? 0);
    throw new UserError({
      file,
      line: pos.line,
      column: pos.col,
      message: `YAML: the aliases of this document expand too much (more than ${MAX_ALIAS_COUNT} repetitions; an alias bomb?)`,
      hint: "write the repeated parts out, or use fewer nested aliases",
    });
  }
  const odd = unplainValue(value);
  if (odd) {
    const pos = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
    throw new UserError({ file, line: pos.line, column: pos.col, message: `YAML: ${odd}` });
  }
  return value;
}

function firstAlias(doc: Document): Node | undefined {
  // Depth first, in document order.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node;
    const next = isMap(node) ? node.items.flatMap((pair) => [pair.key, pair.value]) : isSeq(node) ? node.items : [];
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
  return undefined;
}

// Tags such as !!binary, !!timestamp, !!set or !!omap give values no
// Kubernetes object or scenario holds; aliases can also nest deeper than the text.
function unplainValue(root: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (value === null || typeof value !== "object") {
      if (typeof value === "bigint" || typeof value === "symbol" || typeof value === "function") return `a ${typeof value} is not a JSON value`;
      continue;
    }
    if (depth >= MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels once aliases are expanded`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as object).constructor?.name ?? "object";
      return `a ${name === "Buffer" || name === "Uint8Array" ? "binary (!!binary)" : name} value is not plain data; use strings, numbers, booleans, lists and mappings`;
    }
    for (const item of Object.values(value)) stack.push({ value: item, depth: depth + 1 });
  }
  return undefined;
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
        const pair = pairsByKey(node).get(String(segment));
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

// Every problem and statement is located by path: index each mapping once,
// so locating is not a linear search per key (quadratic in a large mapping).
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      // The first of duplicate keys, as a linear search would find (duplicates are refused anyway).
      if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
    }
    pairIndex.set(map, index);
  }
  return index;
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
