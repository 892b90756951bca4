// The probe engine: one runner exec per client per round, rounds repeated until
// every probe's outcome has held k times in a row (or the settle deadline or
// round limit is reached). It records every sample and never looks at what was
// expected: it does not know.
import type { ExecResult, Observation, ProbeSpec, Transport } from "./types.ts";
import { encodeChunks, MAX_TIMEOUT_SECONDS, RUNNER_NAME, specProblem, timeoutSeconds, type EncodedChunk } from "./encode.ts";
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
  /** Clients with pending probes in this round. */
  readonly clients: number;
  /** Execs in this round: one per client, more where its argv would pass the exec size budget. */
  readonly execs: number;
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
  if (timeoutSeconds(options.timeoutMs) > MAX_TIMEOUT_SECONDS) {
    throw new Error(`timeoutMs must be at most ${MAX_TIMEOUT_SECONDS} s, got ${options.timeoutMs} ms`);
  }

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
    const byClient = groupByClient(pending);
    const jobs = byClient.flatMap(([client, batch]) =>
      encodeChunks(
        batch.map((s) => s.spec),
        options.timeoutMs,
      ).map((chunk) => ({ client, chunk, states: batch.slice(chunk.first, chunk.first + chunk.wireIds.length) })),
    );
    await options.onRound?.({ round, pending: pending.length, clients: byClient.length, execs: jobs.length });

    await mapBounded(jobs, parallelism, async ({ client, chunk, states: batch }) => {
      execs += 1;
      const at = clock();
      const results = await runChunk(transport, client, chunk, execTimeoutMs);
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

async function runChunk(transport: Transport, client: string, chunk: EncodedChunk, execTimeoutMs: number): Promise<BatchResult[]> {
  const { argv, wireIds } = chunk;
  let result: ExecResult;
  try {
    result = await transport.exec(client, argv, { timeoutMs: execTimeoutMs });
  } catch (err) {
    return wireIds.map(() => failed(`could not run the probe runner in ${client}: ${execFailure(err)}`));
  }
  if (result.exitCode !== 0) {
    return wireIds.map(() => failed(`probe runner in ${client} exited with code ${result.exitCode}: ${tail(result.stderr)}`));
  }
  const parsed = parseRunnerOutput(result.stdout);
  const why = parsed.problems.length > 0 ? `; ${parsed.problems.join("; ")}` : "";
  return wireIds.map((id) => parsed.lines.get(id) ?? failed(`the probe runner gave no result for this probe${why}`));
}

function failed(detail: string): BatchResult {
  return { observation: { kind: "error", detail }, ms: 0 };
}

function tail(text: string): string {
  const trimmed = withoutCommandLine(text.trim());
  return trimmed === "" ? "(no stderr)" : trimmed.split("\n").slice(-3).join(" | ").slice(0, 500);
}

/**
 * Why an exec could not run, in a few words. Spawn errors (E2BIG, ENOENT)
 * and exec libraries repeat the whole command line in their message, which
 * here is the runner script and every probe: a detail keeps the errno and the
 * words before the command.
 */
function execFailure(err: unknown): string {
  const code = typeof err === "object" && err !== null && "code" in err ? (err as { code: unknown }).code : undefined;
  const message = withoutCommandLine((err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "").slice(0, 300);
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code) && !message.includes(code)) return message === "" ? code : `${code}: ${message}`;
  return message === "" ? "unknown error" : message;
}

/** Cuts text where the runner's command line starts (`sh -c <script>`, or the runner's name). */
export function withoutCommandLine(text: string): string {
  const cuts = [text.indexOf(" sh -c"), text.indexOf("sh -c "), text.indexOf(RUNNER_NAME), text.indexOf("# netproof probe runner")].filter((i) => i >= 0);
  if (cuts.length === 0) return text;
  return text.slice(0, Math.min(...cuts)).replace(/[\s:'"]+$/, "") + " (command line left out)";
}
