// The scenario library: the YAML files of one folder, addressed by bare name.

import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../user-error.ts";
import { readSourceFile, UnreadableFile } from "./source-files.ts";
import { didYouMeanHint } from "./suggest.ts";
import { parseYaml } from "./yaml-source.ts";

export interface LibraryEntry {
  /** The file name without extension: what `resolveScenario` accepts. */
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly mistake?: string;
}

/** Every scenario of `dir`, by name. Only the header is read; `loadScenario` checks the rest. */
export function listScenarios(dir: string): LibraryEntry[] {
  return scenarioFiles(dir).map((file) => {
    const name = path.basename(file).replace(/\.ya?ml$/, "");
    const header = readHeader(file);
    return { name, file, description: header.description ?? "(no description)", ...(header.mistake ? { mistake: header.mistake } : {}) };
  });
}

/** A bare name → `<dir>/<name>.yaml`; anything that looks like a path is taken as one. */
export function resolveScenario(nameOrPath: string, dir: string): string {
  const looksLikePath = nameOrPath.includes("/") || nameOrPath.includes(path.sep) || /\.ya?ml$/.test(nameOrPath);
  if (looksLikePath) return nameOrPath; // loading it says what is wrong with it, if anything
  for (const ext of [".yaml", ".yml"]) {
    const file = path.join(dir, `${nameOrPath}${ext}`);
    if (existsSync(file)) return file;
  }
  const names = existsSync(dir) ? listScenarios(dir).map((e) => e.name) : [];
  const suggestion = didYouMeanHint(nameOrPath, names);
  const available = names.length > 0 ? `available: ${names.join(", ")}` : `no scenarios in ${dir}`;
  throw new UserError({ message: `unknown scenario "${nameOrPath}"`, hint: suggestion ? `${suggestion} ${available}` : available });
}

function scenarioFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError({
      field: "--dir",
      message: `${dir} is not a folder of scenarios`,
      hint: "--dir names the folder that holds the scenario library (default: scenarios/)",
    });
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
}

function readHeader(file: string): { description?: string; mistake?: string } {
  try {
    const { value } = parseYaml(file, readSourceFile(file));
    if (typeof value !== "object" || value === null) return {};
    const record = value as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof record[key] === "string" ? (record[key] as string) : undefined);
    const description = text("description");
    const mistake = text("mistake");
    return { ...(description ? { description } : {}), ...(mistake ? { mistake } : {}) };
  } catch (error) {
    // A broken file still appears in the list; loading it reports the problem.
    if (error instanceof UserError || error instanceof UnreadableFile) return { description: "(does not parse; run it to see why)" };
    throw error;
  }
}
