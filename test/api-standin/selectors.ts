// Label and field selectors as the API server parses them from the query string.

type Term = (labels: Readonly<Record<string, string>>) => boolean;

/** Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k`; throws on syntax it does not know. */
export function parseLabelSelector(text: string | null): Term {
  if (!text) return () => true;
  const terms: Term[] = splitTerms(text).map((raw) => {
    const term = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = list.split(",").map((v) => v.trim());
      return op === "in"
        ? (l) => l[key] !== undefined && values.includes(l[key]!)
        : (l) => l[key] === undefined || !values.includes(l[key]!);
    }
    if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    if ((m = /^!([\w./-]+)$/.exec(term))) {
      const key = m[1]!;
      return (l) => l[key] === undefined;
    }
    if ((m = /^([\w./-]+)$/.exec(term))) {
      const key = m[1]!;
      return (l) => l[key] !== undefined;
    }
    throw new Error(`unable to parse requirement: ${term}`);
  });
  return (labels) => terms.every((t) => t(labels));
}

/** `metadata.name=x,involvedObject.kind=Pod`: equality (and !=) on dotted paths. */
export function parseFieldSelector(text: string | null): (object: unknown) => boolean {
  if (!text) return () => true;
  const terms = text.split(",").map((raw) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(raw.trim());
    if (!m) throw new Error(`invalid field selector: ${raw}`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return (object: unknown) => {
      const actual = path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), object);
      const equal = String(actual ?? "") === value;
      return op === "!=" ? !equal : equal;
    };
  });
  return (object) => terms.every((t) => t(object));
}

function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim()) terms.push(current);
  return terms;
}
