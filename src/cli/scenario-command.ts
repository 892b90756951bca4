// `netproof scenario`: list the library, or check scenarios (plan mode or live),
// with the report files, baselines and one exit code for several scenarios.

import { loadScenario } from "../scenario/load.ts";
import { listScenarios, resolveScenario } from "../scenario/library.ts";
import { writePlanText } from "../report/plan-text.ts";
import { writePlanJson } from "../report/plan-json.ts";
import { styleFor } from "../report/style.ts";
import { libraryLines } from "../report/library-list.ts";
import { warningLines } from "../report/warnings.ts";
import { escapeForTerminal, escapeJsonForTerminal, UserError } from "../user-error.ts";
import { planResults, type Results } from "../report/results.ts";
import { writeReportDir, writeResultsFile } from "../report/report-dir.ts";
import { readResultsFile } from "../report/results-file.ts";
import { anythingChanged, diffRuns, renderDiffText } from "../report/baseline-diff.ts";
import { combinedLine } from "../report/combined.ts";
import type { Plan } from "../scenario/plan.ts";
import { EXIT } from "./exit.ts";
import { stdoutWriter } from "./output.ts";
import { runPlan } from "./plan-run.ts";
import { clustersDir, openCluster } from "./cluster-factory.ts";
import { listProfiles } from "../cluster/k3s/profiles.ts";
import { liveCommand } from "./live-command.ts";
import type { LiveOptions } from "./live-run.ts";
import { randomBytes } from "node:crypto";
import type { ScenarioFlags } from "./main.ts";

export async function scenarioCommand(names: readonly string[], flags: ScenarioFlags): Promise<number> {
  if (flags.list) return listCommand(flags);
  if (flags.listClusters) return listClustersCommand();
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
  if (chosen.length > 1 && flags.format === "json") {
    throw new UserError({
      message: "--format json reports one scenario",
      hint: "for several, use --report-dir DIR: its results.json holds every run",
    });
  }
  // Every scenario is read before any runs: a mistake in the last one stops the run before a cluster is touched.
  const plans = chosen.map((name) => ({ name, plan: loadScenario(resolveScenario(name, flags.dir)) }));
  // Read before anything is written: --baseline and --save-baseline may name the same file.
  const baseline = flags.baseline !== undefined ? readResultsFile(flags.baseline) : undefined;
  const wantResults = flags.reportDir !== undefined || flags.saveBaseline !== undefined || baseline !== undefined;
  const outcomes: Array<{ exit: number; results?: Results }> = [];
  for (const { name, plan } of plans) {
    outcomes.push(flags.plan ? planOne(plan, flags, wantResults) : await liveOne(name, plan, flags));
  }
  const results = outcomes.flatMap((o) => (o.results ? [o.results] : []));
  if (flags.reportDir !== undefined && results.length > 0) writeReportDir(flags.reportDir, results);
  if (flags.saveBaseline !== undefined && results.length > 0) writeResultsFile(flags.saveBaseline, results);
  if (plans.length > 1) process.stdout.write(`${combinedLine(plans.map((p) => p.name), outcomes.map((o) => o.exit))}\n`);
  const exit = combinedExit(outcomes.map((o) => o.exit));
  if (!baseline) return exit;
  const d = diffRuns(baseline, results);
  const write = flags.format === "json" ? (t: string) => process.stderr.write(t) : (t: string) => process.stdout.write(t);
  write(`\n${escapeForTerminal(renderDiffText(d, { before: flags.baseline ?? "", after: "this run" }))}\n`);
  return exit === EXIT.ok && anythingChanged(d) ? EXIT.changed : exit;
}

function planOne(plan: Plan, flags: ScenarioFlags, wantResults: boolean): { exit: number; results?: Results } {
  const run = runPlan(plan);
  if (flags.format === "json") {
    const out = stdoutWriter();
    writePlanJson(plan, run.phases, run.summary, (chunk) => out(escapeJsonForTerminal(chunk)));
  } else {
    for (const line of warningLines(plan.warnings, styleFor(process.stderr))) process.stderr.write(`${line}\n`);
    const options = { style: styleFor(process.stdout), verbose: flags.verbose === true };
    writePlanText(plan, run.phases, run.summary, options, stdoutWriter());
  }
  const exit = run.summary.ok ? EXIT.ok : EXIT.mismatch;
  return wantResults ? { exit, results: planResults(plan, run.phases) } : { exit };
}

async function liveOne(name: string, plan: Plan, flags: ScenarioFlags): Promise<{ exit: number; results?: Results }> {
  const defaults = liveDefaults(flags);
  const opened = await openCluster(flags, plan, { runId: defaults.runId, log: (line) => process.stderr.write(`${line}\n`) }).catch((error: unknown) => {
    throw error instanceof UserError ? withPlanHint(error, name) : error;
  });
  let results: Results | undefined;
  try {
    const exit = await liveCommand(plan, opened.cluster, { ...flags, reportDir: undefined }, { ...defaults, mapNamespace: opened.mapNamespace }, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      style: styleFor(process.stdout),
      results: (r) => (results = r),
    });
    return results ? { exit, results } : { exit };
  } finally {
    // The run cleaned up already (and reported a failure); this only covers an end before it.
    await opened.close().catch(() => undefined);
  }
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

function listClustersCommand(): number {
  const profiles = listProfiles(clustersDir());
  const width = Math.max(0, ...profiles.map((p) => p.name.length));
  for (const p of profiles) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}${p.isDefault ? " (default)" : ""}\n`);
  return 0;
}

/** A cluster that cannot be opened: plan mode still checks the scenario. */
function withPlanHint(error: UserError, scenario: string): UserError {
  const planHint = `check the scenario without a cluster: npm run scenario ${scenario} -- --plan`;
  if (error.problems.some((p) => p.hint?.includes("--plan") || p.message.includes("--plan"))) return error;
  const last = error.problems[error.problems.length - 1];
  if (!last) return error;
  const hint = last.hint ? `${last.hint}; or ${planHint}` : planHint;
  return new UserError([...error.problems.slice(0, -1), { ...last, hint }]);
}

/** Probe settings of a live run from the command line. */
function liveDefaults(flags: ScenarioFlags): Omit<LiveOptions, "onProgress" | "runId"> & { runId: string } {
  return {
    runId: `np-${randomBytes(3).toString("hex")}`,
    ...(flags.image !== undefined ? { image: flags.image } : {}),
    probe: { timeoutMs: Math.max(1, flags.probeTimeout), requiredStreak: 2 },
    // A CNI programs policies a moment after they are applied: watch each change this long.
    observeMs: flags.observe,
  };
}
