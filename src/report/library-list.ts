// `--list`: the scenario library, one line per scenario, names aligned.

import type { LibraryEntry } from "../scenario/library.ts";

export function libraryLines(entries: readonly LibraryEntry[]): string[] {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  return entries.map((e) => `${e.name.padEnd(width)}  ${e.description}${e.mistake ? " (shows a mistake on purpose)" : ""}`);
}
