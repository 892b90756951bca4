// Shared helpers for scenario tests: inline scenarios and their problems.

import { expect } from "chai";
import { loadScenarioText } from "../../src/scenario/load.ts";
import type { Cell, Phase, Plan } from "../../src/scenario/plan.ts";
import { UnreadableFile, type SourceFiles } from "../../src/scenario/source-files.ts";
import { UserError, type Problem } from "../../src/user-error.ts";

export const FILE = "scenarios/test.yaml";

/** A three-tier shop: web 80/tcp, api 8080/tcp (named http), db 5432/tcp. */
export const SHOP = `description: test scenario
externals:
  payments: 203.0.113.10
  v6: "2001:db8::1"
namespaces:
  shop:
    labels: { team: shop }
  monitoring: {}
workloads:
  shop/web:
    labels: { app: web }
    ports: [80/tcp]
  shop/api:
    labels: { app: api }
    ports:
      - { port: 8080, protocol: TCP, name: http }
  shop/db:
    labels: { app: db }
    ports: [5432]
`;

export function load(text: string, files: Record<string, string> = {}): Plan {
  return loadScenarioText(FILE, text, memoryFiles(files));
}

/** Files by path; a path that prefixes others (`dir/`) is a folder. */
export function memoryFiles(files: Record<string, string>): SourceFiles {
  return {
    read(path) {
      const content = files[path];
      if (content === undefined) throw new UnreadableFile(path, "not found");
      return content;
    },
    folder(dir) {
      const prefix = `${dir.replace(/\/$/, "")}/`;
      const names = Object.keys(files)
        .filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length).split("/")[0] as string);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
  };
}

export function problems(text: string, files: Record<string, string> = {}): readonly Problem[] {
  try {
    load(text, files);
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  expect.fail("expected the scenario to fail to load");
}

/** The single problem, or a failure listing them all. */
export function problem(text: string, files: Record<string, string> = {}): Problem {
  const list = problems(text, files);
  expect(list, list.map((p) => p.message).join("\n")).to.have.length(1);
  return list[0] as Problem;
}

/** The 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string, occurrence = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  for (const [i, line] of lines.entries()) {
    if (line.includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`"${needle}" not in text`);
}

export function phase(plan: Plan, name = "initial"): Phase {
  const found = plan.phases.find((p) => p.name === name);
  if (!found) throw new Error(`no phase ${name}`);
  return found;
}

export function cell(plan: Plan, key: string, phaseName = "initial"): Cell {
  const found = phase(plan, phaseName).cells.find((c) => c.key === key);
  if (!found) throw new Error(`no cell ${key} in ${phaseName}; cells: ${phase(plan, phaseName).cells.map((c) => c.key).join(", ")}`);
  return found;
}

/** "allow" / "deny" / "oracle" of a cell, with the line for allow/deny. */
export function declared(plan: Plan, key: string, phaseName = "initial"): string {
  const d = cell(plan, key, phaseName).declared;
  return d.kind === "oracle" ? "oracle" : `${d.kind}@${d.at.line}`;
}
