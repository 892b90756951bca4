// `--report-dir DIR`: the run's files for CI and people, all made from the
// same results (results.ts). One scenario writes results.json as one Results
// document; several write a list of them under `runs`.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Results } from "./results.ts";
import { RESULTS_LIST_FORMAT } from "./results-schema.ts";
import { renderJunit } from "./junit.ts";
import { renderSummaryMarkdown } from "./summary-md.ts";
import { renderMatrixHtml } from "./matrix-html.ts";

export const REPORT_FILES = ["results.json", "junit.xml", "summary.md", "matrix.html"] as const;

export function writeReportDir(dir: string, runs: readonly Results[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Record<(typeof REPORT_FILES)[number], string> = {
    "results.json": `${JSON.stringify(resultsDocument(runs), null, 2)}\n`,
    "junit.xml": renderJunit(runs),
    "summary.md": renderSummaryMarkdown(runs),
    "matrix.html": renderMatrixHtml(runs),
  };
  return REPORT_FILES.map((name) => {
    const file = path.join(dir, name);
    writeFileSync(file, files[name]);
    return file;
  });
}

/** One run as its results document; several as a list of them. */
export function resultsDocument(runs: readonly Results[]): Results | { format: typeof RESULTS_LIST_FORMAT; runs: readonly Results[] } {
  return runs.length === 1 ? runs[0]! : { format: RESULTS_LIST_FORMAT, runs };
}

/** A baseline is a results document: `netproof diff` and `--baseline` read either. */
export function writeResultsFile(file: string, runs: readonly Results[]): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(resultsDocument(runs), null, 2)}\n`);
}
