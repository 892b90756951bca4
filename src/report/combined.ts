// The closing line of a run of several scenarios.

const WORD: Record<number, string> = { 0: "passed", 1: "failed", 2: "bad input", 3: "could not run" };

/** E.g. "3 scenarios: 2 passed, 1 failed (mistake-x)". */
export function combinedLine(names: readonly string[], exits: readonly number[]): string {
  const byWord = new Map<string, string[]>();
  exits.forEach((exit, i) => {
    const word = WORD[exit] ?? `exit ${exit}`;
    byWord.set(word, [...(byWord.get(word) ?? []), names[i] ?? "?"]);
  });
  const parts = [...byWord].map(([word, who]) => (word === "passed" ? `${who.length} ${word}` : `${who.length} ${word} (${who.join(", ")})`));
  return `${names.length} scenarios: ${parts.join(", ")}`;
}
