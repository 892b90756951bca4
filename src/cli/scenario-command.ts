// `netproof scenario`: list the library, or check one scenario in plan mode.

import { loadScenario } from "../scenario/load.ts";
import { listScenarios, resolveScenario } from "../scenario/library.ts";
import { writePlanText } from "../report/plan-text.ts";
import { writePlanJson } from "../report/plan-json.ts";
import { styleFor } from "../report/style.ts";
import { libraryLines } from "../report/library-list.ts";
import { warningLines } from "../report/warnings.ts";
import { escapeJsonForTerminal, UserError } from "../user-error.ts";
import { stdoutWriter } from "./output.ts";
import { runPlan } from "./plan-run.ts";
import { openCluster } from "./cluster-factory.ts";
import { liveCommand } from "./live-command.ts";
import type { LiveOptions } from "./live-run.ts";
import { randomBytes } from "node:crypto";
import type { ScenarioFlags } from "./main.ts";

export async function scenarioCommand(name: string | undefined, flags: ScenarioFlags): Promise<number> {
  if (flags.list) return listCommand(flags);
  if (!name) {
    throw new UserError({
      message: "which scenario? Give a name from the library or a path to a scenario file",
      hint: "npm run scenario -- --list   shows the library; e.g. npm run scenario three-tier -- --plan",
    });
  }
  const file = resolveScenario(name, flags.dir);
  const plan = loadScenario(file);
  if (!flags.plan) {
    const cluster = await openCluster(flags, name);
    return liveCommand(plan, cluster, flags, liveDefaults(flags), {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      style: styleFor(process.stdout),
    });
  }
  const run = runPlan(plan);
  if (flags.format === "json") {
    const out = stdoutWriter();
    writePlanJson(plan, run.phases, run.summary, (chunk) => out(escapeJsonForTerminal(chunk)));
  } else {
    for (const line of warningLines(plan.warnings, styleFor(process.stderr))) process.stderr.write(`${line}\n`);
    const options = { style: styleFor(process.stdout), verbose: flags.verbose === true };
    writePlanText(plan, run.phases, run.summary, options, stdoutWriter());
  }
  return run.summary.ok ? 0 : 1;
}

function listCommand(flags: ScenarioFlags): number {
  for (const line of libraryLines(listScenarios(flags.dir))) process.stdout.write(`${line}\n`);
  return 0;
}

/** Probe settings of a live run from the command line. */
function liveDefaults(flags: ScenarioFlags): Omit<LiveOptions, "onProgress"> {
  return {
    runId: `np-${randomBytes(3).toString("hex")}`,
    ...(flags.image !== undefined ? { image: flags.image } : {}),
    probe: { timeoutMs: Math.max(1, flags.probeTimeout), requiredStreak: 2 },
    // A CNI programs policies a moment after they are applied: watch each change this long.
    observeMs: flags.observe,
  };
}
