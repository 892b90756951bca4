// The JSON Schema of scenario files, generated from the zod schema so the two
// cannot disagree. Editors (yaml-language-server) use it for completion.

import { writeFileSync } from "node:fs";
import { z } from "zod";
import { scenarioSchema } from "./schema.ts";

export function scenarioJsonSchema(): object {
  // io "input": what a user may write, before any normalisation.
  const schema = z.toJSONSchema(scenarioSchema, { io: "input" });
  return { ...schema, title: "netproof scenario" };
}

export function jsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(path: string): void {
  writeFileSync(path, jsonSchemaText());
}
