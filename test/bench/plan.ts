// Plan mode end to end on generated scenarios (see plan-scenario.ts): load
// and expand the YAML, predict every cell, write the text and the JSON report
// to files, at 100, 300 and 1,000 workloads x 2 ports (1,000 are about 2
// million cells). Each size runs in its own node process, so its peak memory
// is its own. Run alone with `npx tsx test/bench/plan.ts`.

import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runPlan } from "../../src/cli/plan-run.ts";
import { writePlanJson } from "../../src/report/plan-json.ts";
import { writePlanText } from "../../src/report/plan-text.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { writeScaleScenario } from "./plan-scenario.ts";

const SIZES = [100, 300, 1000] as const;
const TARGET_MS = 5000;
const TARGET_RSS_MB = 1536;

export interface PlanBenchRow {
  readonly workloads: number;
  readonly policies: number;
  readonly cells: number;
  readonly loadMs: number;
  readonly predictMs: number;
  readonly textMs: number;
  readonly jsonMs: number;
  readonly totalMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly textBytes: number;
  readonly jsonBytes: number;
  readonly mismatches: number;
}

/** One size, in this process. */
export function measureOne(workloads: number, dir: string): PlanBenchRow {
  const scenario = writeScaleScenario(dir, workloads);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const cpu0 = cpu();
  const t0 = performance.now();
  const plan = loadScenario(scenario.file);
  const t1 = performance.now();
  const run = runPlan(plan);
  const t2 = performance.now();
  const textFile = join(dir, "report.txt");
  const jsonFile = join(dir, "report.json");
  const toFile = (file: string, render: (write: (chunk: string) => void) => void) => {
    const fd = openSync(file, "w");
    try {
      render((chunk) => void writeSync(fd, chunk));
    } finally {
      closeSync(fd);
    }
  };
  toFile(textFile, (write) => writePlanText(plan, run.phases, run.summary, {}, write));
  const t3 = performance.now();
  toFile(jsonFile, (write) => writePlanJson(plan, run.phases, run.summary, write));
  const t4 = performance.now();
  return {
    workloads: scenario.workloads,
    policies: scenario.policies,
    cells: run.summary.cells,
    loadMs: t1 - t0,
    predictMs: t2 - t1,
    textMs: t3 - t2,
    jsonMs: t4 - t3,
    totalMs: t4 - t0,
    cpuMs: cpu() - cpu0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    textBytes: statSync(textFile).size,
    jsonBytes: statSync(jsonFile).size,
    mismatches: run.summary.mismatches,
  };
}

export async function runPlanBench(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const rows: PlanBenchRow[] = [];
  for (const size of SIZES) {
    const child = spawnSync(process.execPath, ["--import", "tsx", self, "--one", String(size)], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`plan benchmark at ${size} workloads failed:\n${child.stderr}`);
    rows.push(JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as PlanBenchRow);
  }
  console.log("plan mode end to end: load + expand, predict, text report, JSON report (written to files)");
  console.log(formatTable(rows));
  const last = rows[rows.length - 1];
  if (last && (last.totalMs >= TARGET_MS || last.maxRssMb >= TARGET_RSS_MB)) {
    console.log(`  note: ${last.workloads} workloads took ${Math.round(last.totalMs)} ms and ${Math.round(last.maxRssMb)} MB (targets < ${TARGET_MS} ms, < ${TARGET_RSS_MB} MB)`);
  }
}

function formatTable(rows: readonly PlanBenchRow[]): string {
  // ns/cell of the whole run: flat (or falling) when cost grows no faster than the cells.
  const header = ["workloads", "policies", "cells", "load ms", "predict ms", "text ms", "json ms", "total ms", "cpu ms", "ns/cell", "peak MB", "text KB", "json MB", "disagree"];
  const body = rows.map((r) => [
    String(r.workloads),
    String(r.policies),
    String(r.cells),
    r.loadMs.toFixed(0),
    r.predictMs.toFixed(0),
    r.textMs.toFixed(0),
    r.jsonMs.toFixed(0),
    r.totalMs.toFixed(0),
    r.cpuMs.toFixed(0),
    Math.round((r.totalMs * 1e6) / r.cells).toString(),
    r.maxRssMb.toFixed(0),
    (r.textBytes / 1024).toFixed(0),
    (r.jsonBytes / 1024 / 1024).toFixed(0),
    String(r.mismatches),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cols: readonly string[]): string => cols.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const one = process.argv.indexOf("--one");
  if (one >= 0) {
    const dir = mkdtempSync(join(tmpdir(), "netproof-plan-bench-"));
    try {
      console.log(JSON.stringify(measureOne(Number(process.argv[one + 1]), dir)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    await runPlanBench();
  }
}
