// The probe engine: one runner exec per client per round, rounds repeated until
// every probe's outcome has held k times in a row (or the settle deadline or
// round limit is reached). It records every sample and never looks at what was
// expected: it does not know.
import type { ExecResult, Observation, ProbeSpec, Transport } from "./types.ts";
import { encodeBatch, specProblem, timeoutSeconds } from "./encode.ts";
import { parseRunnerOutput } from "./parse.ts";
import { hasSettled } from "./stabilise.ts";
import { mapBounded } from "./pool.ts";

export interface ClientProbes {
  /** Passed to the Transport as is (a pod, a lab host). */
  readonly client: string;
  /** Ids are unique per client. */
  readonly probes: readonly ProbeSpec[];
}

export interface RoundProgress {
  readonly round: number;
  /** Probes run in this round. */
  readonly pending: number;
  /** Execs in this round (clients with pending probes). */
  readonly clients: number;
}

export interface EngineOptions {
  /** Per probe; the runner rounds it up to whole seconds. */
  readonly timeoutMs: number;
  /** At most this many execs at once. Default 16. */
  readonly parallelism?: number;
  /** k: a probe is settled when its last k outcomes agree. Default 2. */
  readonly requiredStreak?: number;
  /** No round starts after this much time since the start. Default 60 s. */
  readonly settleDeadlineMs?: number;
  /** Default 10. */
  readonly maxRounds?: number;
  /** The exec's own timeout is the runner's worst case (2T + 1 s) plus this. Default 5 s. */
  readonly execMarginMs?: number;
  /** Called (and awaited) before each round. */
  readonly onRound?: (progress: RoundProgress) => void | Promise<void>;
  readonly clock?: () => number;
}

export interface ProbeSample {
  readonly observation: Observation;
  readonly ms: number;
  readonly round: number;
  /** Clock time when the round's exec for this client started. */
  readonly at: number;
}

export interface ProbeOutcome {
  readonly client: string;
  readonly spec: ProbeSpec;
  readonly samples: readonly ProbeSample[];
  /** The settled observation, or the last one if it never settled. */
  readonly final: Observation;
  /** The last k outcomes agreed (always true for a spec refused before running). */
  readonly stable: boolean;
}

export interface ProbeRun {
  /** In input order: clients, then their probes. */
  readonly outcomes: readonly ProbeOutcome[];
  readonly rounds: number;
  readonly execs: number;
  readonly elapsedMs: number;
}

interface ProbeState {
  readonly client: string;
  readonly spec: ProbeSpec;
  readonly samples: ProbeSample[];
  settled: boolean;
}

export async function runProbes(
  clients: readonly ClientProbes[],
  transport: Transport,
  options: EngineOptions,
): Promise<ProbeRun> {
  const clock = options.clock ?? Date.now;
  const k = options.requiredStreak ?? 2;
  const maxRounds = options.maxRounds ?? 10;
  const deadline = options.settleDeadlineMs ?? 60_000;
  const parallelism = options.parallelism ?? 16;
  // The runner's slowest probe: a name that does not resolve is killed after 2T + 1 s.
  const execTimeoutMs = (2 * timeoutSeconds(options.timeoutMs) + 1) * 1000 + (options.execMarginMs ?? 5_000);
  if (k < 1) throw new Error(`requiredStreak must be at least 1, got ${k}`);

  const start = clock();
  const states = initialStates(clients, start);
  let rounds = 0;
  let execs = 0;

  for (;;) {
    const pending = states.filter((s) => !s.settled);
    if (pending.length === 0 || rounds >= maxRounds) break;
    if (rounds > 0 && clock() - start >= deadline) break;
    rounds += 1;
    const round = rounds;
    const batches = groupByClient(pending);
    await options.onRound?.({ round, pending: pending.length, clients: batches.length });

    await mapBounded(batches, parallelism, async ([client, batch]) => {
      execs += 1;
      const at = clock();
      const results = await runBatch(transport, client, batch, options.timeoutMs, execTimeoutMs);
      batch.forEach((state, i) => {
        const result = results[i] ?? { observation: { kind: "error", detail: "no result" }, ms: 0 };
        state.samples.push({ ...result, round, at });
        state.settled = hasSettled(
          state.samples.map((s) => s.observation),
          k,
        );
      });
    });
  }

  const outcomes = states.map((s): ProbeOutcome => {
    const last = s.samples[s.samples.length - 1];
    return {
      client: s.client,
      spec: s.spec,
      samples: s.samples,
      final: last?.observation ?? { kind: "error", detail: "never probed" },
      stable: s.settled,
    };
  });
  return { outcomes, rounds, execs, elapsedMs: clock() - start };
}

function initialStates(clients: readonly ClientProbes[], now: number): ProbeState[] {
  return clients.flatMap(({ client, probes }) => {
    const ids = new Set<string>();
    return probes.map((spec): ProbeState => {
      if (ids.has(spec.id)) throw new Error(`probe id ${JSON.stringify(spec.id)} appears twice for client ${client}`);
      ids.add(spec.id);
      const problem = specProblem(spec);
      if (problem === undefined) return { client, spec, samples: [], settled: false };
      // Deterministic: running it again would give the same refusal.
      const observation: Observation = { kind: "error", detail: `not probed: ${problem}` };
      return { client, spec, samples: [{ observation, ms: 0, round: 0, at: now }], settled: true };
    });
  });
}

function groupByClient(states: readonly ProbeState[]): [string, ProbeState[]][] {
  const groups = new Map<string, ProbeState[]>();
  for (const s of states) {
    const group = groups.get(s.client);
    if (group) group.push(s);
    else groups.set(s.client, [s]);
  }
  return [...groups];
}

type BatchResult = Pick<ProbeSample, "observation" | "ms">;

async function runBatch(
  transport: Transport,
  client: string,
  batch: readonly ProbeState[],
  timeoutMs: number,
  execTimeoutMs: number,
): Promise<BatchResult[]> {
  const { argv, wireIds } = encodeBatch(
    batch.map((s) => s.spec),
    timeoutMs,
  );
  let result: ExecResult;
  try {
    result = await transport.exec(client, argv, { timeoutMs: execTimeoutMs });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return batch.map(() => failed(`could not run the probe runner in ${client}: ${message}`));
  }
  if (result.exitCode !== 0) {
    return batch.map(() => failed(`probe runner in ${client} exited with code ${result.exitCode}: ${tail(result.stderr)}`));
  }
  const parsed = parseRunnerOutput(result.stdout);
  const why = parsed.problems.length > 0 ? `; ${parsed.problems.join("; ")}` : "";
  return wireIds.map((id) => parsed.lines.get(id) ?? failed(`the probe runner gave no result for this probe${why}`));
}

function failed(detail: string): BatchResult {
  return { observation: { kind: "error", detail }, ms: 0 };
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed === "" ? "(no stderr)" : trimmed.split("\n").slice(-3).join(" | ").slice(0, 500);
}
