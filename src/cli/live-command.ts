// `netproof scenario <name>` on a cluster: progress on stderr, the report on
// stdout, and the exit code. Wiring only.
import type { Cluster } from "../cluster/port.ts";
import type { Plan } from "../scenario/plan.ts";
import { liveJson } from "../report/live-json.ts";
import { liveResults, type Results } from "../report/results.ts";
import { writeReportDir } from "../report/report-dir.ts";
import { renderLiveText } from "../report/live-text.ts";
import { progressLine } from "../report/live-progress.ts";
import type { Style } from "../report/style.ts";
import { liveOutcome } from "../verdict/live-summary.ts";
import { ClusterFailure, runLive, type LiveOptions } from "./live-run.ts";
import { EXIT } from "./exit.ts";
import { warningLines } from "../report/warnings.ts";
import { escapeJsonForTerminal } from "../user-error.ts";

export interface LiveCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly style: Style;
  /** Receives the run's results document (several scenarios in one run combine them). */
  readonly results?: (results: Results) => void;
}

export async function liveCommand(
  plan: Plan,
  cluster: Cluster,
  flags: { readonly format: "text" | "json"; readonly verbose?: boolean; readonly reportDir?: string },
  options: Omit<LiveOptions, "onProgress">,
  io: LiveCommandIo,
): Promise<number> {
  // Documents the oracle does not model are among the plan's warnings (src/kube/manifest-kinds.ts).
  for (const line of warningLines(plan.warnings, io.style)) io.stderr(`${line}\n`);
  let run;
  try {
    run = await runLive(plan, cluster, { ...options, onProgress: (p) => io.stderr(`${progressLine(p)}\n`) });
  } catch (err) {
    if (!(err instanceof ClusterFailure)) throw err;
    io.stderr(`netproof: the cluster failed during ${err.message}\n`);
    return EXIT.infra;
  }
  // The report files are made from the results document; --format json stays netproof.live/v1.
  if (io.results || flags.reportDir !== undefined) {
    const results = liveResults(plan, run);
    io.results?.(results);
    if (flags.reportDir !== undefined) writeReportDir(flags.reportDir, [results]);
  }
  if (flags.format === "json") io.stdout(`${escapeJsonForTerminal(JSON.stringify(liveJson(plan, run), null, 2))}\n`);
  else io.stdout(`${renderLiveText(plan, run, { style: io.style, verbose: flags.verbose === true })}\n`);
  switch (liveOutcome(run.summary)) {
    case "pass":
      return EXIT.ok;
    case "failures":
      return EXIT.mismatch;
    case "infra-error":
      return EXIT.infra;
  }
}
