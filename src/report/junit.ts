// results → JUnit XML: one <testsuite> per scenario phase, one <testcase> per
// cell. The shape is the one CI systems read (Jenkins' junit-10 schema, Ant's
// junit task, GitLab and GitHub test reporters): failures (a wrong answer)
// are <failure>, cells that could not be probed <error>, inconclusive cells
// <skipped>. xmlbuilder2 writes it: it escapes text and attributes and
// replaces characters XML cannot carry (a probe's output may hold any byte),
// which string templates get wrong.
import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces.js";
import type { ResultCell, Results } from "./results.ts";
import { explanationLines, isFailing, verdictLine } from "./results-words.ts";

export function renderJunit(runs: readonly Results[], name = "netproof"): string {
  const doc = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" });
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const root = doc.ele("testsuites").att("name", name);
  for (const run of runs) {
    for (const phase of run.phases) {
      const counts = {
        tests: phase.cells.length,
        failures: phase.cells.filter(isFailing).length,
        errors: phase.cells.filter((c) => c.verdict === "infra-error").length,
        skipped: phase.cells.filter((c) => c.verdict === "inconclusive").length,
      };
      for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += counts[k];
      const suite = root
        .ele("testsuite")
        .att("name", `${run.scenario.name}: ${phase.name}`)
        .att("tests", String(counts.tests))
        .att("failures", String(counts.failures))
        .att("errors", String(counts.errors))
        .att("skipped", String(counts.skipped))
        .att("time", seconds(run.timings ? run.timings.probeMs / run.phases.length : 0))
        .att("file", run.scenario.file);
      const props = suite.ele("properties");
      props.ele("property").att("name", "mode").att("value", run.mode);
      props.ele("property").att("name", "netproof").att("value", run.netproof.version);
      if (run.cluster) props.ele("property").att("name", "cluster").att("value", run.cluster.description);
      for (const cell of phase.cells) testcase(suite, `netproof.${run.scenario.name}.${phase.name}`, cell);
    }
  }
  root
    .att("tests", String(totals.tests))
    .att("failures", String(totals.failures))
    .att("errors", String(totals.errors));
  return `${doc.end({ prettyPrint: true })}\n`;
}

function testcase(suite: XMLBuilder, classname: string, cell: ResultCell): void {
  const tc = suite.ele("testcase").att("name", cell.key).att("classname", classname).att("time", "0");
  const text = explanationLines(cell).join("\n");
  if (isFailing(cell)) tc.ele("failure").att("type", cell.verdict).att("message", verdictLine(cell)).txt(text);
  else if (cell.verdict === "infra-error") tc.ele("error").att("type", cell.verdict).att("message", verdictLine(cell)).txt(text);
  else if (cell.verdict === "inconclusive") tc.ele("skipped").att("message", verdictLine(cell));
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
