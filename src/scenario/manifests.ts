// Manifest entries (file paths and inline documents) loaded into documents
// that remember where they were written.

import path from "node:path";
import { UserError, type Problem } from "../user-error.ts";
import type { KubeObject } from "../kube/object.ts";
import type { SourceRef } from "./plan.ts";
import type { ManifestEntryInput } from "./schema.ts";
import { UnreadableFile, type SourceFiles } from "./source-files.ts";
import { formatPath, parseYamlDocuments, type Locator, type Path } from "./yaml-source.ts";

export interface LoadedManifest {
  /** `<kind>/<namespace>/<name>`, or `<kind>/<name>` without a namespace. */
  readonly id: string;
  readonly object: KubeObject;
  readonly origin: SourceRef;
  /** Paths relative to the document. */
  readonly locate: Locator;
  /** Prepended to document paths in messages (`manifests[1].inline`); empty for files. */
  readonly fieldPrefix: Path;
}

export interface ManifestContext {
  readonly scenarioFile: string;
  readonly locate: Locator;
  readonly files: SourceFiles;
}

/** The files of a manifest folder that are read, in name order; subfolders are not. */
export const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"] as const;

export function loadManifestEntries(
  entries: readonly ManifestEntryInput[],
  basePath: Path,
  ctx: ManifestContext,
): { manifests: LoadedManifest[]; problems: Problem[] } {
  const manifests: LoadedManifest[] = [];
  const problems: Problem[] = [];
  entries.forEach((entry, i) => {
    const entryPath = [...basePath, i];
    const documents = typeof entry === "string" ? fileDocuments(entry, entryPath, ctx, problems) : inlineDocuments(entry.inline, entryPath, ctx);
    for (const doc of documents) {
      const checked = basicChecks(doc.value, doc.locate, doc.fieldPrefix);
      if (!checked.ok) problems.push(...checked.problems);
      else manifests.push({ id: checked.id, object: checked.object, origin: doc.locate.at([]), locate: doc.locate, fieldPrefix: doc.fieldPrefix });
    }
  });
  return { manifests, problems };
}

interface RawDocument {
  readonly value: unknown;
  readonly locate: Locator;
  readonly fieldPrefix: Path;
}

function inlineDocuments(inline: unknown, entryPath: Path, ctx: ManifestContext): RawDocument[] {
  const base = [...entryPath, "inline"];
  if (!Array.isArray(inline)) return [{ value: inline, locate: ctx.locate.under(base), fieldPrefix: base }];
  return inline.map((value, j) => ({ value, locate: ctx.locate.under([...base, j]), fieldPrefix: [...base, j] }));
}

function fileDocuments(entry: string, entryPath: Path, ctx: ManifestContext, problems: Problem[]): RawDocument[] {
  const target = path.isAbsolute(entry) ? entry : path.join(path.dirname(ctx.scenarioFile), entry);
  const at = { ...ctx.locate.at(entryPath), field: formatPath(entryPath) };
  let files: readonly string[];
  try {
    files = manifestFiles(target, ctx.files);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    problems.push({ ...at, message: `manifest folder ${error.file} ${error.reason}` });
    return [];
  }
  if (files.length === 0) {
    problems.push({ ...at, message: `manifest folder ${target} holds no ${MANIFEST_EXTENSIONS.join(", ")} file`, hint: "its subfolders are not read" });
    return [];
  }
  const folder = files.length > 1 || files[0] !== target;
  return files.flatMap((file) => {
    let text: string;
    try {
      text = ctx.files.read(file);
    } catch (error) {
      problems.push({ ...at, ...unreadable(file, error) });
      return [];
    }
    try {
      const docs = parseYamlDocuments(file, text);
      // An empty file among a folder's is harmless; an empty file named on its own is a mistake.
      if (docs.length === 0 && !folder) problems.push({ ...at, message: `manifest file ${file} holds no YAML document` });
      return docs.map((d) => ({ value: d.value, locate: d.locate, fieldPrefix: [] }));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(...error.problems);
      return [];
    }
  });
}

/** `target` itself, or the manifest files of the folder it names, in name order (not recursive). */
function manifestFiles(target: string, files: SourceFiles): readonly string[] {
  const entries = files.folder(target);
  if (entries === undefined) return [target];
  return entries
    .filter((name) => MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.startsWith("."))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => path.join(target, name));
}

function unreadable(file: string, error: unknown): Pick<Problem, "message" | "hint"> {
  const hint = { hint: "manifest paths are relative to the scenario file" };
  if (error instanceof UnreadableFile) {
    if (error.reason === "not found") return { message: `manifest file not found: ${file}`, ...hint };
    return { message: `manifest file ${file} ${error.reason}`, ...(error.hint ? { hint: error.hint } : {}) };
  }
  // A test's in-memory files, or a read function, throwing as fs does.
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return { message: `manifest file not found: ${file}`, ...hint };
  if (code !== undefined) return { message: `cannot read manifest file ${file} (${code})` };
  throw error;
}

type Checked = { ok: true; id: string; object: KubeObject } | { ok: false; problems: Problem[] };

/** apiVersion, kind and metadata.name: what every Kubernetes object needs. */
function basicChecks(value: unknown, locate: Locator, fieldPrefix: Path): Checked {
  const problem = (p: Path, message: string): Problem => ({ ...locate.at(p), field: formatPath([...fieldPrefix, ...p]), message });
  if (!isRecord(value)) return { ok: false, problems: [problem([], "a manifest is a mapping with apiVersion, kind and metadata")] };
  const problems: Problem[] = [];
  for (const field of ["apiVersion", "kind"] as const) {
    if (typeof value[field] !== "string" || value[field] === "") problems.push(problem([field], `${field} is required (a string)`));
  }
  const metadata = value["metadata"];
  if (!isRecord(metadata) || typeof metadata["name"] !== "string" || metadata["name"] === "") {
    problems.push(problem(isRecord(metadata) ? ["metadata", "name"] : ["metadata"], "metadata.name is required (a string)"));
  } else if (metadata["namespace"] !== undefined && typeof metadata["namespace"] !== "string") {
    problems.push(problem(["metadata", "namespace"], "metadata.namespace is a string"));
  }
  if (problems.length > 0) return { ok: false, problems };
  const object = value as unknown as KubeObject;
  return { ok: true, id: manifestId(object), object };
}

export function manifestId(object: KubeObject): string {
  const ns = object.metadata.namespace;
  return ns === undefined ? `${object.kind}/${object.metadata.name}` : `${object.kind}/${ns}/${object.metadata.name}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
