// What a probe's sample history says about the network: stable, late or
// flaky, and for a late cell when the change came. The probe engine only
// decides when samples agree (hasSettled); what a change means is the verdict's.

import { outcomeKey } from "../probe/outcome.ts";
import type { Observation } from "../probe/types.ts";

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
  const keys = informative(history).map(outcomeKey);
  const changes = countChanges(keys);
  if (changes === 0) return "stable";
  const tail = keys.slice(-k);
  if (changes === 1 && tail.length === k && tail.every((key) => key === tail[0])) return "late";
  return "flaky";
}

/** One sample as the probe engine records it: when its round's exec started. */
export interface TimedSample {
  readonly observation: Observation;
  readonly round: number;
  readonly at: number;
}

export interface HistoryTiming {
  readonly class: HistoryClass;
  /** For a late history: the round, and ms after the first sample, of the first sample with the final outcome. */
  readonly changed?: { readonly round: number; readonly afterMs: number };
}

export function historyTiming(samples: readonly TimedSample[], k: number): HistoryTiming {
  const cls = classifyHistory(samples.map((s) => s.observation), k);
  if (cls !== "late") return { class: cls };
  const kept = samples.filter((s) => s.observation.kind !== "error");
  const last = kept[kept.length - 1];
  const first = samples[0];
  if (!last || !first) return { class: cls };
  const finalKey = outcomeKey(last.observation);
  const change = kept.find((s) => outcomeKey(s.observation) === finalKey);
  return change ? { class: cls, changed: { round: change.round, afterMs: change.at - first.at } } : { class: cls };
}

function informative(history: readonly Observation[]): readonly Observation[] {
  const kept = history.filter((o) => o.kind !== "error");
  return kept.length > 0 ? kept : history;
}

function countChanges(keys: readonly string[]): number {
  return keys.reduce((n, key, i) => (i > 0 && key !== keys[i - 1] ? n + 1 : n), 0);
}
