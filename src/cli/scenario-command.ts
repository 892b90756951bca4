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
import { clustersDir, openCluster } from "./cluster-factory.ts";
import { listProfiles } from "../cluster/k3s/profiles.ts";
import { liveCommand } from "./live-command.ts";
import type { LiveOptions } from "./live-run.ts";
import { randomBytes } from "node:crypto";
import type { ScenarioFlags } from "./main.ts";

export async function scenarioCommand(name: string | undefined, flags: ScenarioFlags): Promise<number> {
  if (flags.list) return listCommand(flags);
  if (flags.listClusters) return listClustersCommand();
  if (!name) {
    throw new UserError({
      message: "which scenario? Give a name from the library or a path to a scenario file",
      hint: "npm run scenario -- --list   shows the library; e.g. npm run scenario three-tier -- --plan",
    });
  }
  const file = resolveScenario(name, flags.dir);
  const plan = loadScenario(file);
  if (!flags.plan) {
    const defaults = liveDefaults(flags);
    const opened = await openCluster(flags, plan, { runId: defaults.runId, log: (line) => process.stderr.write(`${line}\n`) }).catch((error: unknown) => {
      throw error instanceof UserError ? withPlanHint(error, name) : error;
    });
    try {
      return await liveCommand(plan, opened.cluster, flags, { ...defaults, mapNamespace: opened.mapNamespace }, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        style: styleFor(process.stdout),
      });
    } finally {
      // The run cleaned up already (and reported a failure); this only covers an end before it.
      await opened.close().catch(() => undefined);
    }
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
