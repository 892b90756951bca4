// `--list`: the scenario library, one line per scenario, names aligned.

import type { LibraryEntry } from "../scenario/library.ts";
import { escapeForTerminal } from "../user-error.ts";

export function libraryLines(entries: readonly LibraryEntry[]): string[] {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  // Descriptions come from the files: escaped like every text from a file.
  return entries.map((e) => escapeForTerminal(`${e.name.padEnd(width)}  ${e.description}${e.mistake ? " (shows a mistake on purpose)" : ""}`));
}
