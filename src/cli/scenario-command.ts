// `netproof scenario`: list the library, or check one scenario in plan mode.

import { loadScenario } from "../scenario/load.ts";
import { listScenarios, resolveScenario } from "../scenario/library.ts";
import { renderPlanText } from "../report/plan-text.ts";
import { planResults, type Results } from "../report/results.ts";
import { combinedLine } from "../report/combined.ts";
import type { Plan } from "../scenario/plan.ts";
import { EXIT } from "./exit.ts";
import { resultsDocument, writeReportDir, writeResultsFile } from "../report/report-dir.ts";
import { styleFor } from "../report/style.ts";
import { libraryLines } from "../report/library-list.ts";
import { warningLines } from "../report/warnings.ts";
import { escapeForTerminal, escapeJsonForTerminal, UserError } from "../user-error.ts";
import { readResultsFile } from "../report/results-file.ts";
import { anythingChanged, diffRuns, renderDiffText } from "../report/baseline-diff.ts";
import { runPlan } from "./plan-run.ts";
import { openCluster } from "./cluster-factory.ts";
import { liveCommand } from "./live-command.ts";
import type { LiveOptions } from "./live-run.ts";
import { randomBytes } from "node:crypto";
import type { ScenarioFlags } from "./main.ts";

export async function scenarioCommand(names: readonly string[], flags: ScenarioFlags): Promise<number> {
  if (flags.list) return listCommand(flags);
  if (flags.all && names.length > 0) {
    throw new UserError({ message: "--all runs the whole library: give either --all or scenario names, not both" });
  }
  const chosen = flags.all ? listScenarios(flags.dir).map((s) => s.name) : names;
  if (chosen.length === 0) {
    throw new UserError({
      message: "which scenario? Give a name from the library or a path to a scenario file",
      hint: "npm run scenario -- --list   shows the library; e.g. npm run scenario three-tier -- --plan",
    });
  }
  // Every scenario is read before any runs: a mistake in the last one stops the run before a cluster is touched.
  const plans = chosen.map((name) => ({ name, plan: loadScenario(resolveScenario(name, flags.dir)) }));
  const outcomes: Array<{ exit: number; results?: Results }> = [];
  for (const { name, plan } of plans) {
    outcomes.push(flags.plan ? planOne(plan, flags) : await liveOne(name, plan, flags));
  }
  const results = outcomes.flatMap((o) => (o.results ? [o.results] : []));
  // Read before anything is written: --baseline and --save-baseline may name the same file.
  const baseline = flags.baseline !== undefined ? readResultsFile(flags.baseline) : undefined;
  if (flags.reportDir !== undefined && results.length > 0) writeReportDir(flags.reportDir, results);
  if (flags.saveBaseline !== undefined && results.length > 0) writeResultsFile(flags.saveBaseline, results);
  if (flags.format === "json") {
    const json = resultsDocument(results);
    process.stdout.write(`${escapeJsonForTerminal(JSON.stringify(json, null, 2))}\n`);
  } else if (plans.length > 1) {
    process.stdout.write(`${combinedLine(plans.map((p) => p.name), outcomes.map((o) => o.exit))}\n`);
  }
  const exit = combinedExit(outcomes.map((o) => o.exit));
  if (!baseline) return exit;
  const d = diffRuns(baseline, results);
  const write = flags.format === "json" ? (t: string) => process.stderr.write(t) : (t: string) => process.stdout.write(t);
  write(`\n${escapeForTerminal(renderDiffText(d, { before: flags.baseline ?? "", after: "this run" }))}\n`);
  return exit === EXIT.ok && anythingChanged(d) ? EXIT.changed : exit;
}

function planOne(plan: Plan, flags: ScenarioFlags): { exit: number; results: Results } {
  const run = runPlan(plan);
  const results = planResults(plan, run.phases);
  if (flags.format !== "json") {
    for (const line of warningLines(plan.warnings, styleFor(process.stderr))) process.stderr.write(`${line}\n`);
    process.stdout.write(
      `${renderPlanText(plan, run.phases, run.summary, { style: styleFor(process.stdout), verbose: flags.verbose === true })}\n`,
    );
  }
  return { exit: run.summary.ok ? EXIT.ok : EXIT.mismatch, results };
}

async function liveOne(name: string, plan: Plan, flags: ScenarioFlags): Promise<{ exit: number; results?: Results }> {
  const cluster = await openCluster(flags, name);
  let results: Results | undefined;
  const exit = await liveCommand(plan, cluster, { ...flags, reportDir: undefined, format: "text", quiet: flags.format === "json" }, liveDefaults(flags), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    style: styleFor(process.stdout),
    results: (r) => (results = r),
  });
  return results ? { exit, results } : { exit };
}

/** A failure anywhere wins, then a run that could not finish, as for the cells of one run. */
function combinedExit(exits: readonly number[]): number {
  for (const code of [EXIT.mismatch, EXIT.infra, EXIT.usage]) if (exits.includes(code)) return code;
  return EXIT.ok;
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
