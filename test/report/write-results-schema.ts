// Regenerates docs/results.schema.json from src/report/results-schema.ts:
//   npx tsx test/report/write-results-schema.ts
import { writeFileSync } from "node:fs";
import { resultsJsonSchema } from "../../src/report/results-schema.ts";

writeFileSync(new URL("../../docs/results.schema.json", import.meta.url), `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`);
