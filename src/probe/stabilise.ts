// When a probe's answer can be trusted. A probe is settled once its last k
// outcomes agree; the engine re-runs it until then. The engine never knows
// what answer was expected, so "settled" is about agreement only.
import type { Observation } from "./types.ts";
import { outcomeKey } from "./outcome.ts";

/** The last k outcomes are the same (and there are at least k). */
export function hasSettled(history: readonly Observation[], k: number): boolean {
  if (history.length < k || k < 1) return false;
  const tail = history.slice(history.length - k).map(outcomeKey);
  return tail.every((key) => key === tail[0]);
}

/**
 * - `stable`: one outcome throughout;
 * - `late`: one change, then the new outcome held at least k times
 *   (timeout, timeout, connected, connected): e.g. a policy enforced only after
 *   the first rounds;
 * - `flaky`: anything else (alternating, several changes, or a change not yet
 *   held k times).
 * An `error` sample says nothing about the network (the probe could not run or
 * proves nothing), so it neither starts nor breaks a pattern: error, connected,
 * connected is stable. Only a history of errors alone is judged on its errors.
 */
export type HistoryClass = "stable" | "late" | "flaky";

export function classifyHistory(history: readonly Observation[], k: number): HistoryClass {
  const informative = history.filter((o) => o.kind !== "error");
  const keys = (informative.length > 0 ? informative : history).map(outcomeKey);
  const changes = keys.reduce((n, key, i) => (i > 0 && key !== keys[i - 1] ? n + 1 : n), 0);
  if (changes === 0) return "stable";
  const tail = keys.slice(-k);
  if (changes === 1 && tail.length === k && tail.every((key) => key === tail[0])) return "late";
  return "flaky";
}
