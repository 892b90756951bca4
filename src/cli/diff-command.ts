// `netproof diff A B`: two stored results (results.json or --save-baseline
// files) compared without a cluster. Exit 0 when no cell changed, 1 when one
// did, 2 when a file cannot be read as results. Wiring only.
import { anythingChanged, diffRuns, renderDiffText } from "../report/baseline-diff.ts";
import { readResultsFile } from "../report/results-file.ts";
import { escapeForTerminal } from "../user-error.ts";
import { EXIT } from "./exit.ts";

export function diffCommand(before: string, after: string, write: (text: string) => void = (t) => process.stdout.write(t)): number {
  const d = diffRuns(readResultsFile(before), readResultsFile(after));
  write(`${escapeForTerminal(renderDiffText(d, { before, after }))}\n`);
  return anythingChanged(d) ? EXIT.mismatch : EXIT.ok;
}
