// Sentences about one cell of a run's results, shared by the JUnit, Markdown
// and HTML reports: its three answers, who is probably wrong, and why.
import { isFailingVerdict, type ResultCell } from "./results.ts";

export type Answer = "allow" | "deny" | "unknown";

/** What the cell should do: the author's word, or the oracle's where the author left it. */
export function expectedAnswer(c: ResultCell): Answer {
  if (c.declared !== "oracle") return c.declared;
  return c.predicted === "invalid" ? "unknown" : c.predicted;
}

export function isFailing(c: ResultCell): boolean {
  return isFailingVerdict(c.verdict);
}

export function declaredText(c: ResultCell): string {
  if (c.declared === "oracle") return "nothing (left to the oracle)";
  return c.declaredAt ? `${c.declared} at ${c.declaredAt.file}:${c.declaredAt.line}` : c.declared;
}

export function observedText(c: ResultCell): string {
  if (!c.observed) return "not probed (plan mode)";
  const o = c.observed;
  return `${o.outcome}${o.detail ? ` (${o.detail})` : ""}; ${o.stability}${o.samples.length > 0 ? `; samples ${o.samples.join(", ")}` : ""}`;
}

/** One line: the verdict and what it rests on. */
export function verdictLine(c: ResultCell): string {
  const v = c.verdictDetail;
  switch (v.kind) {
    case "pass":
      return "pass";
    case "expectation-mismatch":
      return "detail" in v ? `expectation-mismatch: ${v.detail}` : `expectation-mismatch: declared ${v.declared}, predicted ${v.predicted}`;
    case "invalid":
      return `invalid: ${v.reason}`;
    case "cni-mismatch":
      return `cni-mismatch: expected ${v.expected}, the network did ${v.observed}`;
    case "flaky":
      return "flaky: the answer kept changing";
    case "late":
      return `late: ${v.observed}, only after the first rounds`;
    case "infra-error":
      return `infra-error: ${v.detail}`;
    case "inconclusive":
      return `inconclusive: ${v.detail}`;
  }
}

/** Who is probably wrong, for a cell that is not a pass. */
export function culprit(c: ResultCell): string | null {
  switch (c.verdict) {
    case "expectation-mismatch":
    case "invalid":
      return "the scenario: its declaration and its policies disagree (fix the expectation or the policy)";
    case "cni-mismatch":
      return "the CNI: the declaration and the oracle agree, the network did otherwise";
    case "flaky":
      return "the CNI or the cluster: the answer kept changing";
    case "infra-error":
      return "the cluster or netproof's probe: the cell could not be probed";
    default:
      return null;
  }
}

/** The lines that explain a cell: three answers, who is wrong, the oracle's reason, how to reproduce. */
export function explanationLines(c: ResultCell): string[] {
  const lines = [`${c.key}: ${verdictLine(c)}`, `declared: ${declaredText(c)}`, `predicted: ${c.reason}`];
  for (const why of c.nearMisses) lines.push(`  ${why}`);
  lines.push(`observed: ${observedText(c)}`);
  const who = culprit(c);
  if (who) lines.push(`probably wrong: ${who}`);
  if (c.reproduce) lines.push(`reproduce: ${c.reproduce}`);
  return lines;
}
