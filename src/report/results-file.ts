// Reads a stored results document (results.json, a baseline) back, checked
// against its schema: a file from another version, a hand edit or a wrong
// file gets a message naming the file and the field, never a stack.
import { readFileSync } from "node:fs";
import { UserError } from "../user-error.ts";
import { RESULTS_FORMAT, type Results } from "./results.ts";
import { RESULTS_LIST_FORMAT, resultsListSchema, resultsSchema } from "./results-schema.ts";

export function readResultsFile(file: string): Results[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError({ file, message: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError({ file, message: `not JSON: ${(err as Error).message}`, hint: "give a results.json or a file written by --save-baseline" });
  }
  const format = (json as { format?: unknown } | null)?.format;
  const schema = format === RESULTS_LIST_FORMAT ? resultsListSchema : resultsSchema;
  if (format !== RESULTS_FORMAT && format !== RESULTS_LIST_FORMAT) {
    throw new UserError({
      file,
      field: "format",
      message: `expected "${RESULTS_FORMAT}" or "${RESULTS_LIST_FORMAT}", got ${JSON.stringify(format ?? null)}`,
      hint: "give a results.json or a file written by --save-baseline (of this netproof version)",
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new UserError(
      parsed.error.issues.slice(0, 5).map((i) => ({ file, field: i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, ""), message: i.message })),
    );
  }
  const data = parsed.data as unknown as Results | { runs: Results[] };
  return "runs" in data ? data.runs : [data];
}
