// Reads the runner's output: one `<id> <outcome> <ms> <detail>` line per probe.
// Anything else is collected as a problem; the engine turns probes without a
// valid line into `error` observations, never into denials.
import type { Observation } from "./types.ts";
import { observationFrom } from "./outcome.ts";

export interface RunnerLine {
  readonly observation: Observation;
  readonly ms: number;
}

export interface ParsedOutput {
  /** By wire id. */
  readonly lines: ReadonlyMap<string, RunnerLine>;
  /** Lines that could not be read, duplicated ids. */
  readonly problems: readonly string[];
}

const LINE = /^(\S+) (\S+) (\d+)(?: (.*))?$/;

export function parseRunnerOutput(stdout: string): ParsedOutput {
  const lines = new Map<string, RunnerLine>();
  const duplicated = new Set<string>();
  const problems: string[] = [];
  for (const raw of stdout.split("\n")) {
    if (raw.trim() === "") continue;
    const m = LINE.exec(raw);
    const observation = m ? observationFrom(m[2] ?? "", m[4] ?? "") : undefined;
    if (!m || m[1] === undefined || observation === undefined) {
      problems.push(`unreadable runner line: ${JSON.stringify(raw.slice(0, 200))}`);
      continue;
    }
    const id = m[1];
    if (lines.has(id)) duplicated.add(id);
    lines.set(id, { observation, ms: Number(m[3]) });
  }
  for (const id of duplicated) {
    problems.push(`the runner printed ${id} more than once`);
    lines.delete(id);
  }
  return { lines, problems };
}
