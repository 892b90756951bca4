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

export class UserError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: Problem | readonly Problem[]) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    super(list.map(formatProblem).join("\n"));
    this.name = "UserError";
    this.problems = list;
  }
}

export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}` : "";
  const field = p.field ? `${p.field}: ` : "";
  const head = where ? `${where}: ` : "";
  return `${head}${field}${p.message}${p.hint ? `\n  hint: ${p.hint}` : ""}`;
}
