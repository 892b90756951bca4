// Loading a scenario file into a Plan. Every problem is a UserError pointing
// at file:line:column; several problems are reported together where possible.

import { UserError } from "../user-error.ts";
import { expandScenario } from "./expand.ts";
import type { Plan } from "./plan.ts";
import { scenarioSchema } from "./schema.ts";
import { diskFiles, UnreadableFile, type SourceFiles } from "./source-files.ts";
import { parseYaml } from "./yaml-source.ts";
import { validate } from "./zod-problems.ts";

export function loadScenario(file: string, files: SourceFiles = diskFiles): Plan {
  let text: string;
  try {
    text = files.read(file);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    const message = error.reason === "not found" ? "scenario file not found" : `the scenario file ${error.reason}`;
    throw new UserError({ file, message, ...(error.hint ? { hint: error.hint } : {}) });
  }
  return loadScenarioText(file, text, files);
}

/**
 * Loads scenario text as if it were `file`; manifest paths are read relative
 * to it from `files` (or with a plain read function, which sees no folders).
 */
export function loadScenarioText(file: string, text: string, files: SourceFiles | ((path: string) => string) = diskFiles): Plan {
  const { value, locate } = parseYaml(file, text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError({ file, line: 1, message: "a scenario is a YAML mapping with description, namespaces, workloads, manifests and expect" });
  }
  const result = validate(scenarioSchema, value, locate);
  if (!result.ok) throw new UserError(result.problems);
  const sources = typeof files === "function" ? { read: files, folder: () => undefined } : files;
  return expandScenario(result.value, { file, locate, files: sources });
}
