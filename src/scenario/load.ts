// Loading a scenario file into a Plan. Every problem is a UserError pointing
// at file:line:column; several problems are reported together where possible.

import { readFileSync } from "node:fs";
import { UserError } from "../user-error.ts";
import { expandScenario } from "./expand.ts";
import type { Plan } from "./plan.ts";
import { scenarioSchema } from "./schema.ts";
import { parseYaml } from "./yaml-source.ts";
import { validate } from "./zod-problems.ts";

export function loadScenario(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError({ file, message: code === "ENOENT" ? "scenario file not found" : `cannot read the scenario file: ${(error as Error).message}` });
  }
  return loadScenarioText(file, text);
}

/** Loads scenario text as if it were `file`; manifest paths are read with `readFile` relative to it. */
export function loadScenarioText(file: string, text: string, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): Plan {
  const { value, locate } = parseYaml(file, text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError({ file, line: 1, message: "a scenario is a YAML mapping with description, namespaces, workloads, manifests and expect" });
  }
  const result = validate(scenarioSchema, value, locate);
  if (!result.ok) throw new UserError(result.problems);
  return expandScenario(result.value, { file, locate, readFile });
}
