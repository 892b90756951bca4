// The outcome of an observation as one word, as the runner prints it and as
// stabilisation compares it: details (addresses, messages) never make two
// outcomes differ.
import type { Observation } from "./types.ts";

export function outcomeKey(o: Observation): string {
  switch (o.kind) {
    case "http":
      return `http:${o.status}`;
    case "connected":
    case "refused":
    case "timeout":
    case "dns-error":
    case "error":
      return o.kind;
  }
}

/** `<outcome>` or `<outcome> (<detail>)`, for messages and tables. */
export function describeObservation(o: Observation): string {
  return o.detail ? `${outcomeKey(o)} (${o.detail})` : outcomeKey(o);
}

/** An observation from the runner's outcome word and detail; undefined if the word is unknown. */
export function observationFrom(outcome: string, detail: string): Observation | undefined {
  const d = detail === "" ? undefined : detail;
  switch (outcome) {
    case "connected":
    case "refused":
    case "timeout":
    case "dns-error":
      return d === undefined ? { kind: outcome } : { kind: outcome, detail: d };
    case "error":
      return { kind: "error", detail: d ?? "the probe failed without a detail" };
  }
  const http = /^http:(\d{3})$/.exec(outcome);
  if (http?.[1] !== undefined) {
    const status = Number(http[1]);
    return d === undefined ? { kind: "http", status } : { kind: "http", status, detail: d };
  }
  return undefined;
}
