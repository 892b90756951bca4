// Probing across a change: the engine runs rounds until every probe has
// settled; a CNI programs a policy some time after it is applied, so a probe
// that settled at once may still change. Every probe is therefore watched for
// at least `windowMs` after the change (whole engine runs, each until settled,
// again and again: no round waits for anything but its probes), and its
// samples are read as one history. With windowMs 0 this is one engine run.
import { runProbes, type ClientProbes, type EngineOptions, type ProbeOutcome, type ProbeSample } from "./engine.ts";
import type { Transport } from "./types.ts";

export interface WindowOptions extends EngineOptions {
  /** Watch every probe at least this long after `changedAt`. */
  readonly windowMs: number;
  readonly changedAt: number;
  /** Called before each round with how many probes of the total have settled. */
  readonly onProgress?: (progress: { readonly round: number; readonly settled: number; readonly total: number }) => void;
}

export interface WindowRun {
  /** In input order; samples of all runs, rounds numbered across them. */
  readonly outcomes: readonly ProbeOutcome[];
  readonly rounds: number;
  readonly execs: number;
  readonly elapsedMs: number;
}

export async function probeAcrossChange(clients: readonly ClientProbes[], transport: Transport, options: WindowOptions): Promise<WindowRun> {
  const clock = options.clock ?? Date.now;
  const start = clock();
  const total = clients.reduce((n, c) => n + c.probes.length, 0);
  let merged: ProbeOutcome[] | undefined;
  let rounds = 0;
  let execs = 0;
  do {
    const offset = rounds;
    const run = await runProbes(clients, transport, {
      ...options,
      onRound: async (p) => {
        options.onProgress?.({ round: offset + p.round, settled: total - p.pending, total });
        await options.onRound?.(p);
      },
    });
    rounds += run.rounds;
    execs += run.execs;
    const renumbered = run.outcomes.map((o) => ({ ...o, samples: o.samples.map((s): ProbeSample => ({ ...s, round: s.round + offset })) }));
    merged = merged
      ? merged.map((before, i) => {
          const now = renumbered[i];
          return now ? { ...now, samples: [...before.samples, ...now.samples] } : before;
        })
      : renumbered;
    if (run.rounds === 0) break;
  } while (clock() - options.changedAt < options.windowMs);
  options.onProgress?.({ round: rounds, settled: merged.filter((o) => o.stable).length, total });
  return { outcomes: merged, rounds, execs, elapsedMs: clock() - start };
}
