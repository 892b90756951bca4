// `npm run bench [-- oracle|plan|probe|live|startup|input]`: the performance figures the issues ask
// for. Measured here, never asserted in tests (timing asserts flake).

import { runInputBench } from "./input.ts";
import { runOracleBench } from "./oracle.ts";
import { runPlanBench } from "./plan.ts";
import { runProbeBench } from "./probe.ts";
import { runLiveBench } from "./live.ts";
import { runStartupBench } from "./startup.ts";

const benches: Record<string, () => Promise<void>> = {
  oracle: runOracleBench,
  plan: runPlanBench,
  probe: runProbeBench,
  live: runLiveBench,
  startup: runStartupBench,
  input: runInputBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(benches).join(", ")}\n`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  process.stdout.write(`\n== ${name} ==\n`);
  await benches[name]?.();
}
