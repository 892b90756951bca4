// `netproof schema`: the JSON Schema of scenario files, for editor completion.

import path from "node:path";
import { scenarioJsonSchema, writeJsonSchema } from "../scenario/json-schema.ts";

export function schemaCommand(opts: { write?: string | boolean }, scenarioDir: string): number {
  if (opts.write === undefined || opts.write === false) {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const target = typeof opts.write === "string" ? opts.write : path.join(scenarioDir, "netproof.schema.json");
  writeJsonSchema(target);
  process.stderr.write(`wrote ${target}\n`);
  return 0;
}
