// How kubectl reads a plain (unquoted) YAML scalar. kubectl parses manifests
// with sigs.k8s.io/yaml, which uses go-yaml v2: YAML 1.1 rules, where `yes`,
// `on`, `y` are booleans, `0755` is octal, `0b101` binary and `8_080` a number.
// The scenario loader's YAML 1.2 reads all of these as strings (or 0755 as
// 755), so a manifest would mean something else to netproof than to kubectl.
// This mirrors go-yaml v2's resolve() for the cases that differ.

const BOOLEANS: Readonly<Record<string, boolean>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, boolean>, {
    y: true, Y: true, yes: true, Yes: true, YES: true, true: true, True: true, TRUE: true, on: true, On: true, ON: true,
    n: false, N: false, no: false, No: false, NO: false, false: false, False: false, FALSE: false, off: false, Off: false, OFF: false,
  }),
);
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** The value kubectl sends for a plain scalar written as `source`. */
export function kubectlScalar(source: string): unknown {
  if (Object.hasOwn(BOOLEANS, source)) return BOOLEANS[source];
  if (NULLS.has(source)) return null;
  const first = source[0] ?? "";
  if (first === ".") {
    return YAML_STYLE_FLOAT.test(source) ? Number(source) : source;
  }
  if (!/[-+0-9]/.test(first)) return source;
  const date = DATE.exec(source);
  // A real date is a timestamp to go-yaml (time.Parse "2006-1-2"); sigs.k8s.io/yaml sends it as RFC 3339 text.
  if (date && isDate(Number(date[1]), Number(date[2]), Number(date[3]))) {
    return `${date[1]}-${(date[2] ?? "").padStart(2, "0")}-${(date[3] ?? "").padStart(2, "0")}T00:00:00Z`;
  }
  const plain = source.replaceAll("_", "");
  const int = parseGoInt(plain);
  if (int !== undefined) return int;
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  return source;
}

/** A mapping key as kubectl's JSON has it: YAML 1.1 scalars turned back into text. */
export function kubectlKey(source: string): string {
  const value = kubectlScalar(source);
  return value === null ? "null" : String(value);
}

// strconv.ParseInt(s, 0, 64): sign, then 0x / 0o / 0b prefixes or a leading 0 for octal.
function parseGoInt(text: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2] ?? "";
  let magnitude: number;
  if (/^0[xX]/.test(digits)) magnitude = parseInt(digits.slice(2), 16);
  else if (/^0[oO]/.test(digits)) magnitude = parseInt(digits.slice(2), 8);
  else if (/^0[bB]/.test(digits)) magnitude = parseInt(digits.slice(2), 2);
  else if (digits.length > 1 && digits.startsWith("0")) magnitude = parseInt(digits.slice(1), 8);
  else magnitude = parseInt(digits, 10);
  if (!Number.isSafeInteger(magnitude)) return undefined;
  return m[1] === "-" ? -magnitude : magnitude;
}

function isDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
