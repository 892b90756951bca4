// Errors meant for users: they carry where the problem is and what was
// expected, and the CLI prints them without a stack. Anything else is a bug
// and keeps its stack.

export interface Problem {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The field path, e.g. `workloads[2].ports[0].port`. */
  readonly field?: string;
  readonly message: string;
  readonly hint?: string;
}

/** More problems than this say nothing more to a reader; the rest are counted, not listed. */
export const MAX_PROBLEMS = 50;

export class UserError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: Problem | readonly Problem[]) {
    const all = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    const list =
      all.length > MAX_PROBLEMS
        ? [...all.slice(0, MAX_PROBLEMS), { message: `... and more problems: only the first ${MAX_PROBLEMS} are shown` }]
        : all;
    super(list.map(formatProblem).join("\n"));
    this.name = "UserError";
    this.problems = list;
  }
}

/** A problem as one line (and a hint line), safe to print on a terminal. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}` : "";
  const field = p.field ? `${p.field}: ` : "";
  const head = where ? `${where}: ` : "";
  return escapeForTerminal(`${head}${field}${p.message}${p.hint ? `\n  hint: ${p.hint}` : ""}`);
}

// C0 and C1 controls (but tab and newline), DEL, and the invisible
// direction and line-separator marks that can make text read differently
// from what it is ("Trojan Source").
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from files (names, keys, descriptions, paths) made safe for a
 * terminal: control characters become visible escapes (`\x1b`, `\u202e`), so
 * a file cannot move the cursor, retitle the window or hide text.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * JSON text made as safe: JSON.stringify escapes C0 controls but leaves DEL,
 * C1 and the direction marks raw; `\uXXXX` is the same string to a JSON reader.
 */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
