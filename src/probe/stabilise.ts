// When a probe's answer can be trusted. A probe is settled once its last k
// outcomes agree; the engine re-runs it until then. The engine never knows
// what answer was expected, so "settled" is about agreement only; what a
// history means (stable, late, flaky) is src/verdict/history.ts.
import type { Observation } from "./types.ts";
import { outcomeKey } from "./outcome.ts";

/** The last k outcomes are the same (and there are at least k). */
export function hasSettled(history: readonly Observation[], k: number): boolean {
  if (history.length < k || k < 1) return false;
  const tail = history.slice(history.length - k).map(outcomeKey);
  return tail.every((key) => key === tail[0]);
}
